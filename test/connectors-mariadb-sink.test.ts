import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type BatchPayload, type BatchRow } from '@syncfleet/core';
import { MysqlPoolRegistry, createMysqlSink, createMysqlSource, keysetAfter, type SourceDescription } from '@syncfleet/connectors';
import { test } from './support/sync-fixture.ts';
import { createMariadbDatabase } from './support/mariadb.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mariadb(label: string) {
  const database = await createMariadbDatabase(label);
  const registry = new MysqlPoolRegistry({ max: 2 });
  cleanups.push(() => database.drop(), () => registry.close());
  return { database, registry };
}

function pipelineFor(source: Record<string, unknown>, destination: Record<string, unknown>) {
  const text = JSON.stringify({ pipelines: [{ name: 'orders', source, destination }] });
  return parseConfig(text, {}).pipelines[0]!;
}

let seq = 0;
function batch(rows: BatchRow[], id = `batch-${++seq}`): BatchPayload {
  return { v: 1, pipeline: 'orders', batchId: id, scanId: 's', seq, lo: null, hi: '["x"]', contentHash: id, columns: ['id', 'note', 'updated_at'], rows };
}

describe('MariaDB sink writes', () => {
  it('latest-wins: newer applies, older changes nothing, identical rows are not written, a replayed batch is a no-op', async () => {
    const { database, registry } = await mariadb('sink');
    const pipeline = pipelineFor(
      { kind: 'postgres', url: 'postgres://unused/x', table: 'orders', key: ['id'], cursor: 'updated_at' },
      { kind: 'mariadb', url: database.url, table: 'orders' },
    );
    const sink = createMysqlSink(pipeline.destination as Parameters<typeof createMysqlSink>[0], pipeline, registry);
    const description: SourceDescription = {
      dialect: 'postgres',
      columns: [
        { name: 'id', type: 'bigint', logical: 'int64' },
        { name: 'note', type: 'text', logical: 'text' },
        { name: 'updated_at', type: 'timestamp with time zone', logical: 'timestamptz(6)' },
      ],
      keysetTypes: ['timestamp with time zone', 'bigint'],
    };
    await sink.prepare({ description, key: ['id'], create: true });
    const note = async () => {
      const [rows] = await database.pool.query<import('mysql2').RowDataPacket[]>('SELECT note, updated_at FROM orders WHERE id = 1');
      return rows[0];
    };

    expect(await sink.write(batch([['1', 'v2', '2025-01-02 00:00:00.000002+00']]))).toMatchObject({ loaded: 1, unchanged: 0 });
    expect(await sink.write(batch([['1', 'v1', '2025-01-01 00:00:00+00']]))).toMatchObject({ loaded: 0, unchanged: 1 });
    expect(await note()).toEqual({ note: 'v2', updated_at: '2025-01-02 00:00:00.000002' });
    expect(await sink.write(batch([['1', 'v2', '2025-01-02 00:00:00.000002+00']]))).toMatchObject({ loaded: 0, unchanged: 1 });
    expect(await sink.write(batch([['1', 'v2b', '2025-01-02 00:00:00.000002+00'], ['2', null, '2025-01-01 00:00:00+00']]))).toMatchObject({
      loaded: 2,
      unchanged: 0,
    });
    expect(await note()).toEqual({ note: 'v2b', updated_at: '2025-01-02 00:00:00.000002' });
    const replay = batch([['1', 'v9', '2025-09-09 00:00:00+00']], 'batch-replayed');
    expect(await sink.write(replay)).toMatchObject({ loaded: 1, duplicate: false });
    expect(await sink.write(replay)).toMatchObject({ loaded: 0, duplicate: true });

    // Twin deliveries at once: the second waits on the first's ledger row, then does nothing.
    const twin = batch([['3', 'twin', '2025-01-03 00:00:00+00']], 'batch-twin');
    const outcomes = await Promise.all([sink.write(twin), sink.write(twin)]);
    expect(outcomes.map((outcome) => outcome.duplicate).sort()).toEqual([false, true]);
    const [ledger] = await database.pool.query<import('mysql2').RowDataPacket[]>(
      "SELECT loaded FROM syncfleet_ledger WHERE batch_id = 'batch-twin'",
    );
    expect(ledger).toEqual([{ loaded: 1 }]);
  });

  it('orders keysets in the source: numbers as numbers, strings in their collation', async () => {
    const { database, registry } = await mariadb('order');
    await database.pool.query(`
      CREATE TABLE events (
        seq BIGINT UNSIGNED NOT NULL, code VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL, updated_at DATETIME(6) NOT NULL,
        PRIMARY KEY (seq, code))`);
    const pipeline = pipelineFor(
      { kind: 'mariadb', url: database.url, table: 'events', key: ['seq', 'code'], cursor: 'updated_at' },
      { kind: 'postgres', url: 'postgres://unused/x', table: 'events' },
    );
    const source = createMysqlSource(pipeline.source as Parameters<typeof createMysqlSource>[0], registry);
    const { keysetTypes } = await source.describe();
    expect(keysetTypes).toEqual(['datetime(6)', 'bigint(20) unsigned', 'varchar(10) collate utf8mb4_general_ci']);
    const k = (at: string, seqValue: string, code: string) => JSON.stringify([at, seqValue, code]);
    const keysets = [
      k('2025-01-01 00:00:00.000010', '9', 'B'),
      k('2025-01-01 00:00:00.000010', '18446744073709551615', 'a'),
      k('2025-01-01 00:00:00.000010', '9', 'a'),
      k('2025-01-01 00:00:00.000009', '20', 'z'),
    ];
    expect(await source.orderKeysets(keysets, keysetTypes)).toEqual([keysets[3], keysets[2], keysets[0], keysets[1]]);
    expect(await keysetAfter(source, keysets[1]!, keysets[0]!, keysetTypes)).toBe(true);
    expect(await keysetAfter(source, keysets[3]!, keysets[0]!, keysetTypes)).toBe(false);
  });
});

describe('MariaDB source scan', () => {
  test('rows sharing one cursor value are all synced across batch boundaries', async ({ env }) => {
    const { database } = await mariadb('ties');
    await database.pool.query('CREATE TABLE orders (id INT NOT NULL PRIMARY KEY, updated_at DATETIME(6) NOT NULL, KEY (updated_at, id))');
    const values = Array.from({ length: 250 }, (_, index) => `(${index + 1}, '2025-06-01 12:00:00.123456')`).join(', ');
    await database.pool.query(`INSERT INTO orders VALUES ${values}`);
    const [result] = await env.run(env.config({ source: { kind: 'mariadb', url: database.url, table: 'orders' } }));
    expect(result!.counters).toMatchObject({ extracted: 250, loaded: 250, batches: 3 });
    const { rows } = await env.destination.query<{ n: string }>('SELECT count(*) AS n FROM public.orders');
    expect(rows[0]!.n).toBe('250');
  });
});
