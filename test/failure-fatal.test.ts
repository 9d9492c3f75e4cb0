import { describe, expect } from 'vitest';
import type { ResolvedConfig } from '@syncfleet/core';
import { FleetResources, frontierKey, listDeadLetters, replayDeadLetter } from '@syncfleet/connectors';
import { createOrdersTable, test } from './support/sync-fixture.ts';
import { ledgerCount, waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { FAST_RETRY, expectSameOrders, processQueued, rowVersions, scanOnly, watermarkOf } from './support/failure.ts';

interface ListedEntry {
  id: string;
  state: string;
  pipeline: string;
  batchId: string;
  attempts: number;
  code: string | null;
  error: string;
  rows: number;
}

describe('fatal failures and the dead-letter queue', () => {
  test('a dropped destination column dead-letters without retries and blocks the watermark; replay after the fix lands it', async ({ env }) => {
    await createOrdersTable(env.source, 300);
    const raw = env.rawConfig({ batchSize: 100, retry: FAST_RETRY });
    const config = env.config({ batchSize: 100, retry: FAST_RETRY });
    const file = await writeConfigFile(raw);

    // The schema changes while batches are in flight: the scan saw a compatible table.
    await scanOnly(config);
    await env.destination.query('ALTER TABLE public.orders DROP COLUMN amount');
    const dying = await processQueued(config);
    expect(dying).toMatchObject({ dead: 3, retried: 0, loaded: 0 });
    expect(await ledgerCount(env.destination)).toBe(0);
    expect(await watermarkOf(env)).toBeNull();

    // The read-only commands run side by side (each CLI start costs a few seconds on 2 cores).
    const [first] = await inProcess(config, (fleet) => listDeadLetters(fleet));
    const list = env.spawnCli(['--config', file, 'dlq', 'list', '--json']);
    const show = env.spawnCli(['--config', file, 'dlq', 'show', first!.id]);
    const refused = env.spawnCli(['--config', file, 'dlq', 'purge', '--all']);
    expect((await list.exited).code).toBe(0);
    const entries = JSON.parse(list.stdout()) as ListedEntry[];
    expect(entries).toHaveLength(3);
    expect(entries[0]!.id).toBe(first!.id);
    for (const entry of entries) {
      // Parked by the consumer as a failed job: what Bull Board shows with a Retry button.
      expect(entry).toMatchObject({ state: 'failed', pipeline: 'orders', attempts: 1, code: '42703', rows: 100 });
      expect(entry.error).toMatch(/column "amount" .*does not exist/);
    }
    expect((await show.exited).code).toBe(0);
    expect(show.stdout()).toContain('onDeadLetter: block');
    expect(show.stdout()).toMatch(/error\s+column "amount" .*does not exist \[42703\]/);
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr()).toContain('refusing to purge 3 dead batch(es) without --yes');

    // Purging a block batch drops its failed job and the frontier: the next scan covers it again.
    const fleet = new FleetResources(config);
    try {
      await fleet.redis.set(frontierKey(env.prefix, 'orders'), '["2030-01-01 00:00:00+00","999999"]');
      const purge = env.spawnCli(['--config', file, 'dlq', 'purge', entries[0]!.id, '--yes']);
      expect((await purge.exited).code).toBe(0);
      expect(await fleet.redis.exists(frontierKey(env.prefix, 'orders'))).toBe(0);
      expect(await fleet.queue('orders').getJob(entries[0]!.batchId)).toBeUndefined();
      expect(await fleet.queue('orders').getJob(entries[1]!.batchId)).toBeDefined();
    } finally {
      await fleet.close();
    }

    await env.destination.query('ALTER TABLE public.orders ADD COLUMN amount numeric(12,2)');
    const replay = env.spawnCli(['--config', file, 'dlq', 'replay', '--all']);
    expect((await replay.exited).code).toBe(0);
    expect(replay.stdout().match(/^replayed /gm)).toHaveLength(2);

    const results = await env.run(config);
    expect(results[0]).toMatchObject({ failed: false });
    expect(results[0]!.counters).toMatchObject({ dead: 0, quarantined: 0, loaded: 300 });
    await waitForWatermarkAtEnd(env);
    await expectSameOrders(env, expect);
    expect(await inProcess(config, (fleet) => listDeadLetters(fleet))).toEqual([]);
  });

  test('replaying a batch that already landed, twice, writes nothing', async ({ env }) => {
    await createOrdersTable(env.source, 200);
    const config = env.config({ batchSize: 100, retry: FAST_RETRY });
    await scanOnly(config);
    await env.destination.query('ALTER TABLE public.orders DROP COLUMN amount');
    expect(await processQueued(config)).toMatchObject({ dead: 2 });
    await env.destination.query('ALTER TABLE public.orders ADD COLUMN amount numeric(12,2)');

    // Keep a copy of the entries, replay them, then put the copies back as stale entries.
    const fleet = new FleetResources(config);
    const replayAll = async () => {
      for (const record of await listDeadLetters(fleet)) {
        await replayDeadLetter(fleet, config.pipelines, (await fleet.deadLetterQueue().getJob(record.id))!);
      }
    };
    try {
      const stale = (await listDeadLetters(fleet)).map((record) => record.entry);
      expect(stale).toHaveLength(2);
      await replayAll();
      expect(await processQueued(config)).toMatchObject({ loaded: 200, dead: 0 });
      await expectSameOrders(env, expect);
      const versions = await rowVersions(env);
      const ledger = await ledgerCount(env.destination);

      for (let round = 0; round < 2; round += 1) {
        for (const entry of stale) await fleet.deadLetterQueue().add('dead-batch', entry, { jobId: `${entry.batchId}-stale-${round}` });
        await replayAll();
        // The ledger makes each replay a no-op: counted as unchanged, nothing written (see below).
        expect(await processQueued(config)).toMatchObject({ extracted: 200, loaded: 0, unchanged: 200, dead: 0 });
      }
      expect(await rowVersions(env)).toEqual(versions);
      expect(await ledgerCount(env.destination)).toBe(ledger);
    } finally {
      await fleet.close();
    }
  });
});

async function inProcess<T>(config: ResolvedConfig, action: (fleet: FleetResources) => Promise<T>): Promise<T> {
  const fleet = new FleetResources(config);
  try {
    return await action(fleet);
  } finally {
    await fleet.close();
  }
}
