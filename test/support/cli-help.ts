import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CLI = fileURLToPath(new URL('../../bin/syncfleet.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CommandHelp {
  /** The command path as the CLI prints it in its usage line, e.g. `k8s render`; undefined when no such command. */
  readonly found: boolean;
  /** Long option names the command accepts, its own and the program's global ones (`--config`). */
  readonly options: ReadonlySet<string>;
}

const cache = new Map<string, Promise<CommandHelp>>();

/**
 * What the real CLI says it accepts, read from `syncfleet <command…> --help`, so that files
 * which invoke it (compose, Kubernetes manifests) are checked against the program itself.
 */
export function commandHelp(path: readonly string[]): Promise<CommandHelp> {
  const key = path.join(' ');
  let help = cache.get(key);
  if (!help) {
    help = Promise.all([readHelp(path), readHelp([])]).then(([own, root]) => ({
      // commander answers `syncfleet bogus --help` with the program's help: the usage line tells.
      found: path.length === 0 || own.usage.startsWith(`Usage: syncfleet ${key} `) || own.usage === `Usage: syncfleet ${key}`,
      options: new Set([...own.options, ...root.options]),
    }));
    cache.set(key, help);
  }
  return help;
}

async function readHelp(path: readonly string[]): Promise<{ usage: string; options: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...path, '--help'], { cwd: REPO_ROOT });
  const usage = stdout.split('\n')[0] ?? '';
  const options = [...stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((match) => match[1]!);
  return { usage, options };
}

/** Problems with an argument vector `[command…, --option, value, …]` as the CLI would see it. */
export async function checkCliArguments(args: readonly string[]): Promise<string[]> {
  const path: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-')) break;
    path.push(arg);
  }
  // A command is followed by its options; a trailing bare word may be an option's value, so
  // take the longest prefix that names a real command.
  while (path.length > 0 && !(await commandHelp(path)).found) path.pop();
  if (path.length === 0) return [`${args.join(' ')}: no such syncfleet command`];
  const help = await commandHelp(path);
  return args
    .filter((arg) => arg.startsWith('--'))
    .map((arg) => arg.split('=')[0]!)
    .filter((option) => !help.options.has(option))
    .map((option) => `${args.join(' ')}: syncfleet ${path.join(' ')} has no option ${option}`);
}
