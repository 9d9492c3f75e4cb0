import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { createOrdersTable, REPO_ROOT, test } from './support/sync-fixture.ts';

/**
 * Docker does not run here, so the image is checked in its parts: the Dockerfile's contract
 * (non-root, exec-form entrypoint, production install), and — what a build would reveal
 * last — whether the files the build context keeps, installed with production dependencies
 * only, run a real sync.
 */
const run = promisify(execFile);
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** A .dockerignore pattern (`name`, `dir/name`, `*.ext`, a leading `**` segment) as a regular expression. */
function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((part) => (part === '**' ? '(?:[^/]+/)*' : `${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}/`))
    .join('');
  return new RegExp(`^${source.slice(0, -1)}$`);
}

const ignorePatterns = dockerignore.map(globToRegExp);

/** Whether the build context leaves `path` out: a pattern matches it or a directory above it. */
function ignoredByDocker(path: string): boolean {
  const segments = path.split('/');
  return segments.some((_, index) => ignorePatterns.some((pattern) => pattern.test(segments.slice(0, index + 1).join('/'))));
}

describe('Dockerfile', () => {
  test('runs as a non-root user, from a slim Node image, with tini handing signals to node in exec form', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+-slim$/m);
    const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((match) => match[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(entrypoint!)).toEqual(['/usr/bin/tini', '--', 'node', 'bin/syncfleet.mjs']);
    expect(existsSync(join(REPO_ROOT, 'bin/syncfleet.mjs'))).toBe(true);
    expect(dockerfile).toMatch(/pnpm install .*--prod/);
    expect(dockerfile).toMatch(/pnpm install .*--frozen-lockfile/);
  });

  test('keeps the sources and manifests in the build context and leaves the rest out', () => {
    for (const kept of ['bin/syncfleet.mjs', 'apps/cli/src/main.ts', 'packages/core/src/index.ts', 'package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']) {
      expect(ignoredByDocker(kept), kept).toBe(false);
    }
    for (const left of ['node_modules/tsx/package.json', 'apps/cli/node_modules/x', '.git/HEAD', 'test/deploy-image.test.ts', 'packages/core/src/keyset.test.ts']) {
      expect(ignoredByDocker(left), left).toBe(true);
    }
  });

  test('the build context, installed with production dependencies only, runs a real sync', async ({ env }) => {
    const { stdout: listing } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
    const context = await mkdtemp(join(tmpdir(), 'syncfleet-image-'));
    try {
      for (const file of listing.split('\n').filter((path) => path !== '' && !ignoredByDocker(path))) {
        if (!existsSync(join(REPO_ROOT, file))) continue; // deleted in the work tree
        await mkdir(dirname(join(context, file)), { recursive: true });
        await cp(join(REPO_ROOT, file), join(context, file));
      }
      // The image's `pnpm install --offline --prod --frozen-lockfile`, from this machine's store.
      await run('flock', ['/tmp/syncfleet-pnpm.lock', 'pnpm', 'install', '--offline', '--prod', '--frozen-lockfile'], { cwd: context, timeout: 120_000 });
      expect(existsSync(join(context, 'node_modules/vitest'))).toBe(false);

      await createOrdersTable(env.source, 500);
      const config = join(context, 'syncfleet.yaml');
      await writeFile(config, JSON.stringify(env.rawConfig()));
      // The image's entrypoint: Node strips the types itself where it can, tsx compiles them elsewhere.
      const { stdout } = await run(process.execPath, ['bin/syncfleet.mjs', '--config', config, 'run'], {
        cwd: context,
        env: { ...process.env, SYNCFLEET_LOG_LEVEL: 'warn' },
      });
      expect(stdout).toMatch(/^orders .*500/m);
      expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
      const rendered = await run(process.execPath, ['bin/syncfleet.mjs', '--config', config, 'k8s', 'render'], { cwd: context });
      expect(rendered.stdout).toContain('kind: ScaledObject');
      expect(await readFile(join(context, 'package.json'), 'utf8')).toContain('"tsx"');
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  });
});
