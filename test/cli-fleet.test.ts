import { describe, expect } from 'vitest';
import { createOrdersTable, insertOrders, test } from './support/sync-fixture.ts';
import { expectConsistent, waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';

describe('a long-running fleet', () => {
  test('producer on a schedule and two workers keep the destination in sync; status reports it; SIGTERM exits 0', async ({ env }) => {
    await createOrdersTable(env.source, 3000);
    // Six-field cron: every second, so the test does not wait for a minute boundary.
    const config = await writeConfigFile(env.rawConfig({ batchSize: 250, schedule: '* * * * * *' }));
    const workers = [env.spawnCli(['--config', config, 'worker']), env.spawnCli(['--config', config, 'worker', '--concurrency', '1'])];
    const producer = env.spawnCli(['--config', config, 'producer']);
    await waitForWatermarkAtEnd(env);
    await expectConsistent(env, expect);

    // New and changed rows arrive while the fleet runs.
    await insertOrders(env.source, 3001, 3500);
    await env.source.query(`UPDATE public.orders SET status = 'paid', updated_at = updated_at + interval '1 year' WHERE id % 7 = 0`);
    await waitForWatermarkAtEnd(env);
    await expectConsistent(env, expect);

    const status = env.spawnCli(['--config', config, 'status', '--json']);
    expect((await status.exited).code).toBe(0);
    const [orders] = JSON.parse(status.stdout()) as { pipeline: string; watermark: string; queue: { waiting: number }; error: string | null }[];
    expect(orders).toMatchObject({ pipeline: 'orders', error: null, queue: { waiting: 0 } });
    expect(JSON.parse(orders!.watermark)[1]).toBe('3500'); // the newest row: 3500 = 7 × 500 moved a year ahead

    for (const child of [producer, ...workers]) child.child.kill('SIGTERM');
    for (const child of [producer, ...workers]) expect((await child.exited).code).toBe(0);
  });
});
