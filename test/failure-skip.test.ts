import { describe, expect } from 'vitest';
import { parseConfig, type BatchPayload } from '@syncfleet/core';
import { FleetResources, MysqlPoolRegistry, createMysqlSink, listDeadLetters, type SourceDescription } from '@syncfleet/connectors';
import { createMariadbDatabase } from './support/mariadb.ts';
import { createOrdersTable, test } from './support/sync-fixture.ts';
import { waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { FAST_RETRY, expectSameOrders, processQueued, watermarkOf } from './support/failure.ts';

/**
 * One batch (ids 101–200) fails fatally and only that one: a trigger refuses order 150 with
 * SQLSTATE 42501 (insufficient_privilege), which is fatal and not row-level, so the whole
 * batch is dead-lettered rather than quarantined.
 */
async function lockedOrder(env: { source: import('pg').Pool; destination: import('pg').Pool }): Promise<void> {
  await createOrdersTable(env.source, 300);
  await createOrdersTable(env.destination);
  await env.destination.query(`
    CREATE FUNCTION public.refuse_order_150() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = 150 THEN RAISE EXCEPTION 'order 150 is locked' USING ERRCODE = '42501'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_order_150 BEFORE INSERT OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.refuse_order_150();`);
}

describe('onDeadLetter', () => {
  test('skip: the watermark passes the dead batch, the DLQ keeps its rows, and a replay loads them', async ({ env }) => {
    await lockedOrder(env);
    const pipeline = { batchSize: 100, retry: FAST_RETRY, onDeadLetter: 'skip' };
    const config = env.config(pipeline);
    const [result] = await env.run(config);
    expect(result).toMatchObject({ failed: false });
    expect(result!.counters).toMatchObject({ dead: 1, retried: 0, loaded: 200 });
    await waitForWatermarkAtEnd(env);
    const { rows: ledger } = await env.destination.query<{ status: string; n: string }>(
      `SELECT status, count(*)::text AS n FROM syncfleet.ledger GROUP BY status ORDER BY status`,
    );
    expect(ledger).toEqual([
      { status: 'committed', n: '2' },
      { status: 'skipped', n: '1' },
    ]);

    const fleet = new FleetResources(config);
    try {
      const dead = await listDeadLetters(fleet, 'orders');
      expect(dead.map((record) => [record.entry.policy, record.entry.payload.rows.length, record.entry.code])).toEqual([['skip', 100, '42501']]);
    } finally {
      await fleet.close();
    }

    await env.destination.query('DROP TRIGGER refuse_order_150 ON public.orders');
    const file = await writeConfigFile(env.rawConfig(pipeline));
    const replay = env.spawnCli(['--config', file, 'dlq', 'replay', '--all']);
    expect((await replay.exited).code).toBe(0);
    expect(await processQueued(config)).toMatchObject({ loaded: 100, dead: 0 });
    await expectSameOrders(env, expect);
    const { rows: after } = await env.destination.query<{ status: string }>(`SELECT DISTINCT status FROM syncfleet.ledger`);
    expect(after).toEqual([{ status: 'committed' }]);
  });

  test('block: the watermark stops before the dead batch and the run fails', async ({ env }) => {
    await lockedOrder(env);
    const [result] = await env.run(env.config({ batchSize: 100, retry: FAST_RETRY }));
    expect(result).toMatchObject({ failed: true });
    expect(result!.error).toContain('1 batch(es) dead-lettered; the watermark waits for them');
    expect(result!.counters).toMatchObject({ dead: 1, loaded: 200 });
    expect(JSON.parse((await watermarkOf(env))!)[1]).toBe('100');
  });

  test('skip into MariaDB: a replay of the skipped batch writes its rows once', async () => {
    const database = await createMariadbDatabase('skip');
    const registry = new MysqlPoolRegistry({ max: 2 });
    try {
      const text = JSON.stringify({
        pipelines: [
          {
            name: 'orders',
            onDeadLetter: 'skip',
            source: { kind: 'postgres', url: 'postgres://unused/x', table: 'orders', key: ['id'], cursor: 'updated_at' },
            destination: { kind: 'mariadb', url: database.url, table: 'orders' },
          },
        ],
      });
      const pipeline = parseConfig(text, {}).pipelines[0]!;
      const sink = createMysqlSink(pipeline.destination as Parameters<typeof createMysqlSink>[0], pipeline, registry);
      const description: SourceDescription = {
        dialect: 'postgres',
        columns: [
          { name: 'id', type: 'bigint', logical: 'int64' },
          { name: 'updated_at', type: 'timestamp with time zone', logical: 'timestamptz(6)' },
        ],
        keysetTypes: ['timestamp with time zone', 'bigint'],
      };
      await sink.prepare({ description, key: ['id'], create: true });
      const payload: BatchPayload = {
        v: 1,
        pipeline: 'orders',
        batchId: 'dead-batch',
        scanId: 's',
        seq: 0,
        lo: null,
        hi: '["2025-01-01 00:00:00+00","2"]',
        contentHash: 'h',
        columns: ['id', 'updated_at'],
        rows: [
          ['1', '2025-01-01 00:00:00+00'],
          ['2', '2025-01-01 00:00:00+00'],
        ],
      };
      // What a worker does when the batch dies under onDeadLetter: skip …
      await sink.bookkeeping.recordSkipped(payload);
      // … and what its replay does.
      expect(await sink.write(payload)).toMatchObject({ loaded: 2, duplicate: false });
      expect(await sink.write(payload)).toMatchObject({ loaded: 0, duplicate: true });
      const [rows] = await database.pool.query<import('mysql2').RowDataPacket[]>(
        `SELECT (SELECT count(*) FROM orders) AS n, (SELECT status FROM syncfleet_ledger WHERE batch_id = 'dead-batch') AS status`,
      );
      expect(rows[0]).toMatchObject({ n: '2', status: 'committed' });
    } finally {
      await registry.close();
      await database.drop();
    }
  });
});
