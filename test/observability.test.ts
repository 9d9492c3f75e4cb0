import { createServer } from 'node:net';
import { describe, expect } from 'vitest';
import { FleetResources, RedisLock, scanLockKey } from '@syncfleet/connectors';
import { recordedScan } from '@syncfleet/producer';
import { BatchWorkers } from '@syncfleet/worker';
import { FleetMetrics } from '../apps/cli/src/fleet-metrics.ts';
import { FAST_RETRY, scanOnly } from './support/failure.ts';
import { createOrdersTable, quietLogger, test, type CliProcess } from './support/sync-fixture.ts';
import { waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { waitFor } from './support/services.ts';

/** The port a process logged it serves metrics on (`SYNCFLEET_METRICS_PORT=0` picks one). */
async function metricsPortOf(process: CliProcess): Promise<number> {
  return waitFor(async () => Number(/"port":(\d+),"msg":"metrics on/.exec(process.stderr())?.[1] ?? 0), {
    timeoutMs: 30_000,
    what: 'the metrics server to log its port',
  });
}

/** One sample of a Prometheus exposition, or undefined when the series is absent. */
function sampleOf(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('observability', () => {
  test("a worker's /metrics counts exactly the rows it moved; probes answer; scans are recorded", async ({ env }) => {
    await createOrdersTable(env.source, 1200);
    const config = await writeConfigFile(env.rawConfig({ batchSize: 100 }));
    const worker = env.spawnCli(['--config', config, 'worker'], { SYNCFLEET_METRICS_PORT: '0', SYNCFLEET_LOG_LEVEL: 'info' });
    const port = await metricsPortOf(worker);

    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'redis', ok: true },
        { name: 'orders source', ok: true },
        { name: 'orders destination', ok: true },
      ],
    });
    expect(sampleOf(await scrape(port), 'syncfleet_rows_total', { pipeline: 'orders', stage: 'loaded' })).toBe(0);

    const producer = env.spawnCli(['--config', config, 'producer', '--once']);
    expect((await producer.exited).code).toBe(0);
    await waitForWatermarkAtEnd(env);
    // The watermark moves before the last batch's outcome is counted: wait for the count.
    let metrics = await waitFor(
      async () => {
        const text = await scrape(port);
        return sampleOf(text, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'completed' }) === 12 ? text : null;
      },
      { what: '12 completed batches in /metrics' },
    );
    const { rows: moved } = await env.destination.query<{ rows: string; loaded: string }>(
      `SELECT (SELECT count(*) FROM public.orders)::text AS rows,
              (SELECT sum(loaded) FROM syncfleet.ledger WHERE pipeline = 'orders')::text AS loaded`,
    );
    expect(moved[0]).toEqual({ rows: '1200', loaded: '1200' });
    const rows = (stage: string) => sampleOf(metrics, 'syncfleet_rows_total', { pipeline: 'orders', stage });
    expect({ loaded: rows('loaded'), unchanged: rows('unchanged'), quarantined: rows('quarantined') }).toEqual({ loaded: 1200, unchanged: 0, quarantined: 0 });
    // Extraction is the producer's: this worker read nothing from the source.
    expect(rows('extracted')).toBe(0);
    expect(sampleOf(metrics, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'retried' })).toBe(0);
    expect(sampleOf(metrics, 'syncfleet_batch_duration_seconds_count', { pipeline: 'orders', stage: 'load' })).toBe(12);
    expect(sampleOf(metrics, 'syncfleet_batch_duration_seconds_count', { pipeline: 'orders', stage: 'checkpoint' })).toBe(12);
    expect(sampleOf(metrics, 'syncfleet_watermark_lag_seconds', { pipeline: 'orders' })).toBe(0);
    const { rows: newest } = await env.source.query<{ epoch: string }>(`SELECT extract(epoch FROM max(updated_at))::text AS epoch FROM public.orders`);
    expect(sampleOf(metrics, 'syncfleet_watermark_timestamp', { pipeline: 'orders' })).toBeCloseTo(Number(newest[0]!.epoch), 3);
    expect(sampleOf(metrics, 'syncfleet_queue_jobs', { pipeline: 'orders', state: 'waiting' })).toBe(0);
    expect(sampleOf(metrics, 'syncfleet_dead_letter_jobs', { pipeline: 'orders' })).toBe(0);
    expect(sampleOf(metrics, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // Changed rows: the counters move by exactly what the second sync wrote.
    await env.source.query(`UPDATE public.orders SET status = 'paid', updated_at = updated_at + interval '1 year' WHERE id % 10 = 0`);
    expect((await env.spawnCli(['--config', config, 'producer', '--once']).exited).code).toBe(0);
    await waitForWatermarkAtEnd(env);
    metrics = await waitFor(
      async () => {
        const text = await scrape(port);
        return sampleOf(text, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'completed' }) === 14 ? text : null;
      },
      { what: '2 more completed batches' },
    );
    expect(sampleOf(metrics, 'syncfleet_rows_total', { pipeline: 'orders', stage: 'loaded' })).toBe(1320);

    // Each producer scan left a row in the run history.
    const { rows: runs } = await env.destination.query<{ kind: string; extracted: string; batches: string; outcome: string }>(
      `SELECT kind, extracted::text, batches::text, outcome FROM syncfleet.runs WHERE pipeline = 'orders' ORDER BY id`,
    );
    expect(runs).toEqual([
      { kind: 'scan', extracted: '1200', batches: '12', outcome: 'succeeded' },
      { kind: 'scan', extracted: '120', batches: '2', outcome: 'succeeded' },
    ]);

    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  test('/readyz answers 503 naming Redis when Redis is unreachable, while /healthz stays 200', async ({ env }) => {
    await createOrdersTable(env.source, 0);
    const config = await writeConfigFile(env.rawConfig({}, { redis: `redis://:hunter2-secret@127.0.0.1:${await closedPort()}` }));
    const worker = env.spawnCli(['--config', config, 'worker'], { SYNCFLEET_METRICS_PORT: '0', SYNCFLEET_LOG_LEVEL: 'info' });
    const port = await metricsPortOf(worker);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await response.json()) as { status: string; down: string[]; checks: { name: string; ok: boolean }[] };
    expect(response.status).toBe(503);
    expect(body.status).toBe('not ready');
    expect(body.down).toEqual([expect.stringMatching(/^redis: /)]);
    expect(body.checks.filter((check) => check.ok).map((check) => check.name)).toEqual(['orders source', 'orders destination']);
    // Its logs name the failure, never the password in the Redis URL.
    await waitFor(async () => worker.stderr().includes('ECONNREFUSED'), { what: 'a logged Redis connection error' });
    expect(worker.stderr()).not.toContain('hunter2-secret');
    // Not SIGTERM: a worker whose Redis is gone cannot drain (BullMQ waits for Redis to close).
    worker.child.kill('SIGKILL');
    await worker.exited;
  });

  test('a scan that fails is recorded with its error; one that finds the scan lock held leaves no record', async ({ env }) => {
    const config = env.config();
    const fleet = new FleetResources(config);
    const runs = async () =>
      (await env.destination.query<{ kind: string; outcome: string; error: string | null }>(`SELECT kind, outcome, error FROM syncfleet.runs ORDER BY id`)).rows;
    try {
      const pipeline = config.pipelines[0]!;
      // No source table yet: the scan fails, and its record says why.
      await expect(recordedScan(fleet, pipeline, { logger: quietLogger })).rejects.toThrow(/orders/);
      expect(await runs()).toEqual([{ kind: 'scan', outcome: 'failed', error: expect.stringContaining('orders') }]);

      await createOrdersTable(env.source, 10);
      const lock = (await RedisLock.tryAcquire(fleet.redis, scanLockKey(fleet.prefix, pipeline.name), 30_000))!;
      expect(await recordedScan(fleet, pipeline, { logger: quietLogger })).toEqual({ status: 'locked' });
      expect(await runs()).toHaveLength(1);
      await lock.release();
      expect(await recordedScan(fleet, pipeline, { logger: quietLogger })).toMatchObject({ status: 'scanned', rows: 10 });
      expect((await runs()).map((run) => run.outcome)).toEqual(['failed', 'succeeded']);
    } finally {
      await fleet.close();
    }
  });

  test('dead-lettered batches show in the counters, the queue gauges and the dead-letter gauge', async ({ env }) => {
    await createOrdersTable(env.source, 300);
    const config = env.config({ batchSize: 100, retry: FAST_RETRY });
    await scanOnly(config);
    // The destination loses a column after the scan: every batch fails fatally.
    await env.destination.query('ALTER TABLE public.orders DROP COLUMN amount');
    const fleet = new FleetResources(config);
    const metrics = new FleetMetrics(fleet, config.pipelines, quietLogger);
    const workers = new BatchWorkers({ fleet, pipelines: config.pipelines, concurrency: 2, logger: quietLogger, ...metrics.workerEvents });
    try {
      const text = await waitFor(
        async () => {
          const { body } = await metrics.render();
          return sampleOf(body, 'syncfleet_dead_letter_jobs', { pipeline: 'orders' }) === 3 ? body : null;
        },
        { what: '3 dead-lettered batches in the metrics' },
      );
      expect(sampleOf(text, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'dead_lettered' })).toBe(3);
      expect(sampleOf(text, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'completed' })).toBe(0);
      expect(sampleOf(text, 'syncfleet_rows_total', { pipeline: 'orders', stage: 'loaded' })).toBe(0);
      expect(sampleOf(text, 'syncfleet_queue_jobs', { pipeline: 'orders', state: 'failed' })).toBe(3);
      // Nothing committed yet: no watermark, so no lag to report rather than a made-up one.
      expect(sampleOf(text, 'syncfleet_watermark_lag_seconds', { pipeline: 'orders' })).toBeUndefined();
    } finally {
      await workers.close(5000);
      await fleet.close();
    }
  });
});
