import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { createOrdersTable, test } from './support/sync-fixture.ts';

const MODULE = './examples/connectors/crm.ts';
const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

async function scratch(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'syncfleet-crm-'));
  directories.push(directory);
  return directory;
}

describe('kind: module — the README example connector', () => {
  test('a module source syncs into Postgres, incrementally, ordered by its own keysets', async ({ env }) => {
    const directory = await scratch();
    const file = join(directory, 'crm-export.json');
    const contacts = Array.from({ length: 25 }, (_, index) => ({ id: index + 1, email: `c${index + 1}@example.com`, name: `Contact ${index + 1}`, version: 10 }));
    await writeFile(file, JSON.stringify(contacts));
    const config = env.config({
      source: { kind: 'module', path: MODULE, options: { export: file }, key: ['id'], cursor: 'version', url: undefined, table: undefined },
      destination: { table: 'public.contacts' },
      batchSize: 10,
    });
    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 25, loaded: 25, batches: 3 });
    expect(first!.watermark).toBe('["10","25"]');

    contacts[2] = { ...contacts[2]!, name: 'Renamed', version: 11 };
    await writeFile(file, JSON.stringify(contacts));
    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 1, loaded: 1 });
    const { rows } = await env.destination.query<{ name: string; version: string }>('SELECT name, version::text FROM public.contacts WHERE id = 3');
    expect(rows[0]).toEqual({ name: 'Renamed', version: '11' });
  });

  test('a module sink gets each batch once, keyed by its idempotency key; its ledger lives in the state database', async ({ env }) => {
    await createOrdersTable(env.source, 45);
    const outbox = join(await scratch(), 'outbox');
    const config = env.config({
      destination: { kind: 'module', path: MODULE, options: { outbox }, state: env.destinationUrl, url: undefined, table: undefined },
      batchSize: 20,
    });
    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 45, loaded: 45 });
    const files = (await readdir(outbox)).sort();
    expect(files).toHaveLength(3);
    const records = (await Promise.all(files.map(async (name) => JSON.parse(await readFile(join(outbox, name), 'utf8')) as { id: string }[]))).flat();
    expect(records.map((record) => Number(record.id)).sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, index) => index + 1));
    const { rows } = await env.destination.query<{ n: string }>('SELECT count(*) AS n FROM syncfleet.ledger');
    expect(rows[0]!.n).toBe('3');

    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 0 });
    expect(await readdir(outbox)).toHaveLength(3);
  });

  test('a module that does not export the factory fails with a clear error', async ({ env }) => {
    await createOrdersTable(env.source, 1);
    const [result] = await env.run(
      env.config({ destination: { kind: 'module', path: './examples/transforms/orders.ts', state: env.destinationUrl, url: undefined, table: undefined } }),
    );
    expect(result!.error).toMatch(/sink module \.\/examples\/transforms\/orders\.ts does not export createSink/);
  });
});
