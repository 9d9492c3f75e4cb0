import { describe, expect } from 'vitest';
import { FleetResources } from '@syncfleet/connectors';
import { scanPipeline } from '@syncfleet/producer';
import { createOrdersTable, quietLogger, test } from './support/sync-fixture.ts';
import type pg from 'pg';

async function rowsWritten(pool: pg.Pool): Promise<number> {
  // The statistics collector flushes asynchronously; force it so the numbers are current.
  await pool.query('SELECT pg_stat_force_next_flush()');
  await pool.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await pool.query<{ n: string }>(
    `SELECT (n_tup_ins + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = 'orders'`,
  );
  return Number(rows[0]!.n);
}

describe('idempotency', () => {
  test('a second scan of an unchanged source enqueues nothing new', async ({ env }) => {
    await createOrdersTable(env.source, 1000);
    const config = env.config({ batchSize: 100 });
    const fleet = new FleetResources(config);
    try {
      const first = await scanPipeline(fleet, config.pipelines[0]!, { logger: quietLogger });
      expect(first).toMatchObject({ status: 'scanned', batches: 10 });
      const queue = fleet.queue('orders');
      expect(await queue.getJobCountByTypes('waiting')).toBe(10);
      // No worker ran, so the frontier is trusted while jobs wait: nothing to scan.
      const second = await scanPipeline(fleet, config.pipelines[0]!, { logger: quietLogger });
      expect(second).toMatchObject({ status: 'scanned', batches: 0 });
      // Frontier lost (as if its key expired): the rescan from the watermark cuts the same
      // batches, whose job ids exist, so the queue still holds exactly ten jobs.
      await fleet.redis.del(`${env.prefix}:_syncfleet:frontier:orders`);
      const third = await scanPipeline(fleet, config.pipelines[0]!, { logger: quietLogger });
      expect(third).toMatchObject({ status: 'scanned', batches: 10 });
      expect(await queue.getJobCountByTypes('waiting')).toBe(10);
    } finally {
      await fleet.close();
    }
  });

  test('a no-op re-sync writes zero rows to the destination', async ({ env }) => {
    await createOrdersTable(env.source, 2000);
    await env.run(env.config({ batchSize: 500 }));
    const before = await rowsWritten(env.destination);
    expect(before).toBe(2000);
    // Force a full re-delivery in new batch shapes: rewind the watermark, new batch size.
    await env.destination.query(`UPDATE syncfleet.watermarks SET keyset = NULL`);
    const [again] = await env.run(env.config({ batchSize: 300 }));
    expect(again!.counters).toMatchObject({ extracted: 2000, loaded: 0, unchanged: 2000 });
    expect(await rowsWritten(env.destination)).toBe(before);
  });

  test('a destination reset re-syncs everything, though Redis still remembers the old batch ids', async ({ env }) => {
    await createOrdersTable(env.source, 500);
    const [first] = await env.run(env.config());
    expect(first!.counters.loaded).toBe(500);
    // An operator starts over: the destination table and Syncfleet's bookkeeping are dropped,
    // while the completed jobs (kept a day to block twins) are still in Redis.
    await env.destination.query('DROP TABLE public.orders');
    await env.destination.query('DROP SCHEMA syncfleet CASCADE');
    const [second] = await env.run(env.config());
    expect(second!.counters).toMatchObject({ extracted: 500, loaded: 500 });
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
  });

  test('a second producer is kept out while one scans the pipeline', async ({ env }) => {
    await createOrdersTable(env.source, 10);
    const config = env.config();
    const fleet = new FleetResources(config);
    try {
      await fleet.redis.set(`${env.prefix}:_syncfleet:lock:scan:orders`, 'someone-else', 'PX', 10_000);
      expect(await scanPipeline(fleet, config.pipelines[0]!, { logger: quietLogger })).toEqual({ status: 'locked' });
      await fleet.redis.del(`${env.prefix}:_syncfleet:lock:scan:orders`);
      expect(await scanPipeline(fleet, config.pipelines[0]!, { logger: quietLogger })).toMatchObject({ status: 'scanned', batches: 1 });
    } finally {
      await fleet.close();
    }
  });
});
