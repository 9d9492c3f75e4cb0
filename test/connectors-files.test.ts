import { appendFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '@syncfleet/core';
import { createFilesSource, type SourcePage } from '@syncfleet/connectors';
import { test } from './support/sync-fixture.ts';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

async function dropDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'syncfleet-drop-'));
  directories.push(directory);
  return directory;
}

/** Files are read once they are older than the lag; back-date them so a lag of 0 s sees them. */
async function drop(directory: string, name: string, text: string, secondsAgo = 60): Promise<void> {
  await writeFile(join(directory, name), text);
  const when = new Date(Date.now() - secondsAgo * 1000);
  await utimes(join(directory, name), when, when);
}

const header = 'id,status,amount,updated_at\n';
const line = (id: number, status = 'new', amount = `${id}.25`) => `${id},${status},${amount},2025-01-01 00:00:${String(id % 60).padStart(2, '0')}+00\n`;

async function createTypedOrders(pool: import('pg').Pool): Promise<void> {
  await pool.query('CREATE TABLE public.orders (id bigint PRIMARY KEY, status text NOT NULL, amount numeric(12,2), updated_at timestamptz NOT NULL)');
}

describe('files source', () => {
  test('CSV: each file read once, bad lines and bad values quarantined, quoting kept', async ({ env }) => {
    const directory = await dropDirectory();
    const body = Array.from({ length: 120 }, (_, index) => line(index + 1)).join('');
    await drop(directory, 'orders-1.csv', header + body + '121,"quoted, with comma\nand newline",1.00,2025-01-01 00:01:00+00\n' + '122,short\n' + line(123, 'new', 'abc'));
    await drop(directory, 'ignored.txt', 'not a csv');
    await createTypedOrders(env.destination);
    const config = env.config({
      source: { kind: 'files', path: directory, format: 'csv', pattern: '*.csv', columns: ['id', 'status', 'amount', 'updated_at'], url: undefined, table: undefined },
      batchSize: 50,
      maxQuarantineRate: 1,
    });

    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 123, loaded: 121, quarantined: 2 });
    const { rows } = await env.destination.query<{ status: string }>('SELECT status FROM public.orders WHERE id = 121');
    expect(rows[0]!.status).toBe('quoted, with comma\nand newline');
    const { rows: quarantined } = await env.destination.query<{ row_key: unknown; error: string; sqlstate: string }>(
      'SELECT row_key, error, sqlstate FROM syncfleet.quarantine ORDER BY sqlstate',
    );
    expect(quarantined.map((row) => [row.sqlstate, row.error.split(':')[0]])).toEqual([
      ['22P02', 'invalid input syntax for type numeric'],
      ['FILE_LINE', 'expected 4 fields, found 2'],
    ]);

    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 0 });

    // A new file is read; so is a changed one (a new identity), costing no rewrite of what is unchanged.
    await drop(directory, 'orders-2.csv', header + line(200), 30);
    await appendFile(join(directory, 'orders-1.csv'), line(124));
    const later = new Date(Date.now() - 10_000);
    await utimes(join(directory, 'orders-1.csv'), later, later);
    const [third] = await env.run(config);
    expect(third!.counters).toMatchObject({ loaded: 2 });
    const { rows: count } = await env.destination.query<{ n: string }>('SELECT count(*) AS n FROM public.orders');
    expect(count[0]!.n).toBe('123');
  });

  test('NDJSON: malformed lines are quarantined with their raw text', async ({ env }) => {
    const directory = await dropDirectory();
    const lines = [
      JSON.stringify({ id: 1, status: 'new', amount: '1.50', updated_at: '2025-01-01T00:00:00.000001Z', extra: 'ignored' }),
      '{"id": 2, "status": ',
      '',
      JSON.stringify({ id: 3, status: 'paid', amount: 2, updated_at: '2025-01-01T00:00:01Z' }),
      '[1, 2]',
    ];
    await drop(directory, 'orders.ndjson', lines.join('\n'));
    await createTypedOrders(env.destination);
    const config = env.config({
      source: { kind: 'files', path: directory, format: 'ndjson', columns: ['id', 'status', 'amount', 'updated_at'], url: undefined, table: undefined },
      maxQuarantineRate: 1,
    });
    const [result] = await env.run(config);
    expect(result!.counters).toMatchObject({ extracted: 4, loaded: 2, quarantined: 2 });
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual([
      '(1,new,1.50,"2025-01-01 00:00:00.000001+00")',
      '(3,paid,2.00,"2025-01-01 00:00:01+00")',
    ]);
    const { rows } = await env.destination.query<{ error: string; payload: { raw: string } }>('SELECT error, payload FROM syncfleet.quarantine ORDER BY id');
    expect(rows.map((row) => row.payload.raw)).toEqual(['{"id": 2, "status": ', '[1, 2]']);
    expect(rows[0]!.error).toMatch(/^malformed JSON/);
  });
});

describe('files source positions', () => {
  it('resumes mid-file at the byte after the last committed page', async () => {
    const directory = await dropDirectory();
    await drop(directory, 'big.csv', header + Array.from({ length: 95 }, (_, index) => line(index + 1)).join(''));
    const config = parseConfig(
      JSON.stringify({
        pipelines: [
          {
            name: 'orders',
            source: { kind: 'files', path: directory, format: 'csv', columns: ['id', 'status', 'amount', 'updated_at'], key: ['id'], cursor: 'updated_at' },
            destination: { kind: 'postgres', url: 'postgres://unused/x', table: 'orders' },
          },
        ],
      }),
      {},
    ).pipelines[0]!;
    const source = createFilesSource(config.source as Parameters<typeof createFilesSource>[0]);
    const description = await source.describe();
    const pages: SourcePage[] = [];
    for await (const page of source.scan(description, { after: null, cursorBound: null, batchSize: 40 })) pages.push(page);
    expect(pages.map((page) => page.rows.length)).toEqual([40, 40, 15]);
    const resumed: SourcePage[] = [];
    for await (const page of source.scan(description, { after: pages[0]!.hi, cursorBound: null, batchSize: 40 })) resumed.push(page);
    expect(resumed.map((page) => page.rows[0]![0])).toEqual(['41', '81']);
    expect(resumed.at(-1)!.hi).toEqual(pages.at(-1)!.hi);
    const encoded = pages.map((page) => JSON.stringify(page.hi));
    expect(await source.orderKeysets([...encoded].reverse(), description.keysetTypes)).toEqual(encoded);
    const none: SourcePage[] = [];
    for await (const page of source.scan(description, { after: pages.at(-1)!.hi, cursorBound: null, batchSize: 40 })) none.push(page);
    expect(none).toEqual([]);
  });
});
