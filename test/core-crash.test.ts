import { describe, expect } from 'vitest';
import { Redis } from 'ioredis';
import { createOrdersTable, test, type SyncEnv } from './support/sync-fixture.ts';
import { expectConsistent, ledgerCount, waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { deleteKeysWithPrefixAt } from '@syncfleet/connectors';
import { waitFor } from './support/services.ts';

/**
 * The heart of the suite: real producer and worker processes, killed with SIGKILL at the
 * worst moments, and Redis wiped mid-sync. After a restart the destination must equal the
 * source, with no duplicates, no regressions, and a ledger that agrees with the watermark.
 */
const FAST_RECOVERY = { worker: { lockDuration: '1500ms', concurrency: 2 }, producer: { scanLockTtl: '1500ms' } };

/** A restarted, healthy worker takes the sync to the end; it exits 0 on SIGTERM; all is consistent. */
async function finishWithHealthyWorker(env: SyncEnv, config: string): Promise<void> {
  const worker = env.spawnCli(['--config', config, 'worker']);
  await waitForWatermarkAtEnd(env);
  worker.child.kill('SIGTERM');
  expect((await worker.exited).code).toBe(0);
  await expectConsistent(env, expect);
}

describe('crash safety', () => {
  test('kill -9 of a worker after its COPY and before commit loses and doubles nothing', async ({ env }) => {
    await createOrdersTable(env.source, 1000);
    const config = await writeConfigFile(env.rawConfig({ batchSize: 100 }, FAST_RECOVERY));
    const doomed = env.spawnCli(['--config', config, 'worker'], { SYNCFLEET_FAULT: 'worker-kill-after-copy' });
    const producer = env.spawnCli(['--config', config, 'producer', '--once']);
    expect((await producer.exited).code).toBe(0);
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // It died holding an open transaction: nothing of that batch may be visible.
    expect(await ledgerCount(env.destination)).toBeLessThan(10);

    await finishWithHealthyWorker(env, config);
    expect(await ledgerCount(env.destination)).toBe(10);
  });

  test('kill -9 of the producer between enqueue and scan end: the rescan enqueues nothing twice', async ({ env }) => {
    await createOrdersTable(env.source, 1000);
    const config = await writeConfigFile(env.rawConfig({ batchSize: 100 }, FAST_RECOVERY));
    const doomed = env.spawnCli(['--config', config, 'producer', '--once'], { SYNCFLEET_FAULT: 'producer-kill-after-enqueue=3' });
    expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const redis = new Redis(env.redisUrl);
    try {
      const waitKey = `${env.prefix}:orders:wait`;
      expect(await redis.llen(waitKey)).toBe(4);
      // The dead producer's scan lock expires on its own; then a new scan resumes at the frontier.
      await waitFor(async () => (await redis.exists(`${env.prefix}:_syncfleet:lock:scan:orders`)) === 0, { what: 'the scan lock to expire' });
      const again = env.spawnCli(['--config', config, 'producer', '--once']);
      expect((await again.exited).code).toBe(0);
      expect(again.stdout()).toContain('orders enqueued batches=6 rows=600');
      expect(await redis.llen(waitKey)).toBe(10);
    } finally {
      redis.disconnect();
    }
    await finishWithHealthyWorker(env, config);
    expect(await ledgerCount(env.destination)).toBe(10);
  });

  test('FLUSHDB of the test’s own Redis database mid-sync costs time, never rows', async ({ env }) => {
    await createOrdersTable(env.source, 5000);
    // Redis database 13 belongs to this test alone, so wiping it touches no other suite.
    const redisUrl = `${env.redisUrl.replace(/\/\d*$/, '')}/13`;
    const raw = env.rawConfig({ batchSize: 100 }, { ...FAST_RECOVERY, redis: redisUrl });
    const config = await writeConfigFile(raw);
    const workers = [env.spawnCli(['--config', config, 'worker']), env.spawnCli(['--config', config, 'worker'])];
    const producer = env.spawnCli(['--config', config, 'producer', '--once']);
    await waitFor(async () => (await ledgerCount(env.destination)) >= 5, { what: 'a few batches to commit' });
    const redis = new Redis(redisUrl);
    try {
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
    await producer.exited;
    // A scan after the wipe starts again at the committed watermark.
    const rescan = env.spawnCli(['--config', config, 'producer', '--once']);
    expect((await rescan.exited).code).toBe(0);
    try {
      await waitForWatermarkAtEnd(env, 90_000);
      for (const worker of workers) worker.child.kill('SIGTERM');
      for (const worker of workers) expect((await worker.exited).code).toBe(0);
      await expectConsistent(env, expect);
    } finally {
      await deleteKeysWithPrefixAt(redisUrl, env.prefix);
    }
  });
});
