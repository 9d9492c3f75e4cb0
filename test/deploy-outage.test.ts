import { describe, expect } from 'vitest';
import { createOrdersTable, insertOrders, test } from './support/sync-fixture.ts';
import { expectConsistent, waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { waitFor } from './support/services.ts';
import { TcpGate } from './support/tcp-gate.ts';

/**
 * Redis and PostgreSQL going away, at start-up and mid-run, behind TCP gates the test shuts
 * and reopens. The worker keeps retrying with backoff, says so in one line per outage (and
 * one when the service is back) instead of a stack trace per attempt, and the sync completes
 * exactly once everything is reachable again.
 */
function linesMatching(log: string, pattern: RegExp): number {
  return log.split('\n').filter((line) => pattern.test(line)).length;
}

describe('outages', () => {
  test('Redis and the destination down at start-up and again mid-run: one line per outage, then an exact sync', async ({ env, onTestFailed }) => {
    const redisTarget = new URL(env.redisUrl);
    const destinationTarget = new URL(env.destinationUrl);
    const redisGate = await TcpGate.create({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
    const destinationGate = await TcpGate.create({ host: destinationTarget.hostname, port: Number(destinationTarget.port || 5432) });
    try {
      await createOrdersTable(env.source, 2000);
      const config = await writeConfigFile(
        env.rawConfig(
          { batchSize: 100, retry: { attempts: 100, baseDelay: '50ms', maxDelay: '500ms' }, destination: { url: destinationGate.url(env.destinationUrl) } },
          { redis: redisGate.url(env.redisUrl), worker: { lockDuration: '10s' } },
        ),
      );
      // The producer reads the watermark from the destination: it reaches it directly, so only
      // the worker sees the destination's outage.
      const producerConfig = await writeConfigFile(env.rawConfig({ batchSize: 100 }, { redis: redisGate.url(env.redisUrl) }));
      const redisDown = new RegExp(`Redis 127\\.0\\.0\\.1:${redisGate.port} unreachable \\(ECONNREFUSED\\); retrying with backoff`);
      const redisBack = new RegExp(`Redis 127\\.0\\.0\\.1:${redisGate.port} reachable again`);
      const destinationDown = new RegExp(`PostgreSQL 127\\.0\\.0\\.1:${destinationGate.port}/\\w+ unreachable \\(ECONNREFUSED\\)`);

      const worker = env.spawnCli(['--config', config, 'worker'], { SYNCFLEET_LOG_LEVEL: 'debug' });
      onTestFailed(() => {
        process.stderr.write(`worker log:\n${worker.stderr()}\n`);
      });
      await waitFor(async () => redisDown.test(worker.stderr()), { what: 'the worker to report Redis unreachable' });
      // The outage lasts two seconds (the scenario, not a wait for a condition): the worker
      // retries meanwhile, and the log must not grow with its attempts.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await redisGate.open();
      await waitFor(async () => worker.stderr().includes('"worker ready"'), { what: 'the worker to connect once Redis is up' });
      expect(worker.stderr()).toMatch(redisBack);

      const producer = env.spawnCli(['--config', producerConfig, 'producer', '--once']);
      expect((await producer.exited).code, producer.stderr()).toBe(0);
      await waitFor(async () => destinationDown.test(worker.stderr()), { what: 'the worker to report the destination unreachable' });
      await destinationGate.open();
      await waitForWatermarkAtEnd(env);
      await expectConsistent(env, expect);

      // Mid-run: Redis goes away with connections open, comes back, and new rows still arrive.
      await redisGate.shut();
      await waitFor(async () => linesMatching(worker.stderr(), redisDown) + linesMatching(worker.stderr(), /Redis .* unreachable \(ECONNRESET\)/) === 2, {
        what: 'the worker to report the second Redis outage',
      });
      await redisGate.open();
      await waitFor(async () => linesMatching(worker.stderr(), redisBack) === 2, { what: 'the worker to report Redis back again' });
      await insertOrders(env.source, 2001, 2500);
      const again = env.spawnCli(['--config', producerConfig, 'producer', '--once']);
      expect((await again.exited).code, again.stderr()).toBe(0);
      await waitForWatermarkAtEnd(env);
      await expectConsistent(env, expect);

      // Mid-run: the destination goes away with pooled connections open, and comes back.
      await destinationGate.shut();
      await insertOrders(env.source, 2501, 3000);
      const third = env.spawnCli(['--config', producerConfig, 'producer', '--once']);
      expect((await third.exited).code, third.stderr()).toBe(0);
      await waitFor(async () => linesMatching(worker.stderr(), /PostgreSQL .* unreachable/) === 2, { what: 'the worker to report the second destination outage' });
      await destinationGate.open();
      await waitForWatermarkAtEnd(env);
      await expectConsistent(env, expect);

      worker.child.kill('SIGTERM');
      expect((await worker.exited).code).toBe(0);
      const log = worker.stderr();
      expect(linesMatching(log, /PostgreSQL .* reachable again/)).toBe(2);
      expect(linesMatching(log, /unreachable \(\w+\); retrying with backoff/)).toBe(4);
      // No stack trace for a failed connection attempt. (A batch whose lock lapsed while Redis
      // was away may still log BullMQ's "Missing lock" once: a real, different event.)
      expect(log.split('\n').filter((line) => line.includes('"stack"') && /ECONN|EPIPE|ETIMEDOUT|ENOTFOUND/.test(line))).toEqual([]);
    } finally {
      await Promise.all([redisGate.shut(), destinationGate.shut()]);
    }
  });
});
