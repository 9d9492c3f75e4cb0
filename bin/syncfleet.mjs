// The `syncfleet` CLI from its TypeScript sources. Node strips the types itself where it can
// (22.18+, 24 LTS: the container image), which saves the tsx loader thread and its esbuild
// child process (~15–35 MB a process, ~0.1 s of start-up); elsewhere (Node 20) tsx compiles them.
if (!process.features.typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import('../apps/cli/src/main.ts');
