import { describe, expect } from 'vitest';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from './support/sync-fixture.ts';

async function configFile(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'syncfleet-config-')), 'syncfleet.yaml');
  await writeFile(path, text);
  return path;
}

describe('CLI configuration errors', () => {
  test('a missing key exits 2 naming the path and the fix, without a stack trace', async ({ env }) => {
    const path = await configFile(`
pipelines:
  - name: orders
    source: { kind: postgres, url: "${env.sourceUrl}", table: public.orders, cursor: updated_at }
    destination: { kind: postgres, url: "${env.destinationUrl}", table: public.orders }
`);
    const cli = env.spawnCli(['--config', path, 'run']);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('pipelines[0].source.key: required — the primary-key columns, e.g. [id]');
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
  });

  test('a missing file exits 2 and says how to point at one', async ({ env }) => {
    const cli = env.spawnCli(['--config', '/nonexistent/syncfleet.yaml', 'status']);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('no such file — pass --config <file>');
  });

  test('a missing source table fails the run with exit 1 and a readable reason', async ({ env }) => {
    const path = await configFile(JSON.stringify(env.rawConfig()));
    const cli = env.spawnCli(['--config', path, 'run']);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toMatch(/orders failed: cannot read source public\.orders: relation "public\.orders" does not exist/);
  });

  test('every command has --help', async ({ env }) => {
    for (const command of ['producer', 'worker', 'run', 'status', 'demo']) {
      const cli = env.spawnCli([command, '--help']);
      expect((await cli.exited).code).toBe(0);
      expect(cli.stdout()).toContain(`Usage: syncfleet ${command}`);
    }
  });
});
