import pino from 'pino';
import { addOutcome, emptyCounters, type ResolvedConfig, type RunCounters } from '@syncfleet/core';
import { FleetResources, pendingJobCount, type WriteBatchHooks } from '@syncfleet/connectors';
import { scanPipeline } from '@syncfleet/producer';
import { BatchWorkers, DeadLetterConsumer } from '@syncfleet/worker';
import { waitFor } from './services.ts';
import { quietLogger, type SyncEnv } from './sync-fixture.ts';

/** Retries fast enough for tests: three attempts within a few hundred milliseconds. */
export const FAST_RETRY = { attempts: 3, baseDelay: '50ms', maxDelay: '200ms' };

export const logger = process.env.SYNCFLEET_TEST_LOG_LEVEL ? pino({ level: process.env.SYNCFLEET_TEST_LOG_LEVEL }) : quietLogger;

/** Enqueues the pipeline's batches the way a producer does, without processing them. */
export async function scanOnly(config: ResolvedConfig): Promise<void> {
  const fleet = new FleetResources(config);
  try {
    const result = await scanPipeline(fleet, config.pipelines[0]!, { logger });
    if (result.status !== 'scanned') throw new Error('scan lock was taken');
  } finally {
    await fleet.close();
  }
}

/**
 * Runs in-process batch workers (and a dead-letter consumer, as `syncfleet worker` does) until
 * the pipeline queue holds nothing unfinished, and counts what happened.
 */
export async function processQueued(
  config: ResolvedConfig,
  hooks?: WriteBatchHooks,
  counters: RunCounters = emptyCounters(),
): Promise<RunCounters> {
  const fleet = new FleetResources(config);
  const pipeline = config.pipelines[0]!;
  const workers = new BatchWorkers({
    fleet,
    pipelines: config.pipelines,
    concurrency: 2,
    logger,
    hooks,
    onOutcome: (_, outcome) => addOutcome(counters, outcome),
    onRetry: () => (counters.retried += 1),
    onDeadLetter: () => (counters.dead += 1),
  });
  const consumer = new DeadLetterConsumer({ fleet, pipelines: config.pipelines, logger });
  try {
    await Promise.all([workers.ready(), consumer.ready()]);
    await waitFor(async () => (await pendingJobCount(fleet.queue(pipeline.name))) === 0, { what: 'the pipeline queue to drain' });
    await waitFor(async () => (await fleet.deadLetterQueue().getJobCounts('waiting', 'active')).waiting === 0, {
      what: 'the dead-letter consumer to park new entries',
    });
  } finally {
    await Promise.all([workers.close(5000), consumer.close()]);
    await fleet.close();
  }
  return counters;
}

export async function watermarkOf(env: SyncEnv): Promise<string | null> {
  const { rows } = await env.destination.query<{ keyset: string | null }>(`SELECT keyset FROM syncfleet.watermarks WHERE pipeline = 'orders'`);
  return rows[0]?.keyset ?? null;
}

/** Each destination row's version (xmin): unchanged proves that nothing was written. */
export async function rowVersions(env: SyncEnv): Promise<string[]> {
  const { rows } = await env.destination.query<{ v: string }>(`SELECT id::text || ':' || xmin::text AS v FROM public.orders ORDER BY id`);
  return rows.map((row) => row.v);
}

export type { RunCounters };

/**
 * The destination holds exactly the source's orders, compared column by column (a column
 * dropped and added back moves to the end of the table), and no committed batch is left
 * unchained behind the watermark.
 */
export async function expectSameOrders(env: SyncEnv, expect: (value: unknown) => { toEqual: (v: unknown) => void }): Promise<void> {
  const sql = `SELECT (id, status, amount, updated_at)::text AS row FROM public.orders ORDER BY id`;
  const rowsOf = async (pool: SyncEnv['source']) => (await pool.query<{ row: string }>(sql)).rows.map((row) => row.row);
  expect(await rowsOf(env.destination)).toEqual(await rowsOf(env.source));
  const { rows } = await env.destination.query<{ pending: string }>(
    `SELECT count(*)::text AS pending FROM syncfleet.ledger WHERE pipeline = 'orders' AND checkpointed_at IS NULL`,
  );
  expect(rows[0]!.pending).toEqual('0');
}
