import { describe, expect } from 'vitest';
import { createOrdersTable, test } from './support/sync-fixture.ts';
import { waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { FAST_RETRY } from './support/failure.ts';

interface QuarantineRow {
  row_key: unknown;
  payload: Record<string, string | null>;
  error: string;
  sqlstate: string;
}

/** The destination takes no 'poison' status and no NULL amount; the source has both. */
async function poisonedPair(env: { source: import('pg').Pool; destination: import('pg').Pool }, poisoned: number[], nullAmount: number[]) {
  await createOrdersTable(env.source, 1000);
  await env.source.query(`UPDATE public.orders SET status = 'poison' WHERE id = ANY($1::bigint[])`, [poisoned]);
  await env.source.query(`UPDATE public.orders SET amount = NULL WHERE id = ANY($1::bigint[])`, [nullAmount]);
  await createOrdersTable(env.destination);
  await env.destination.query(`ALTER TABLE public.orders ADD CONSTRAINT no_poison CHECK (status <> 'poison'), ALTER COLUMN amount SET NOT NULL`);
}

describe('quarantine', () => {
  test('rows the destination rejects are quarantined with their raw payload; the rest of each batch loads', async ({ env }) => {
    await poisonedPair(env, [7, 250, 251], [999]);
    const [result] = await env.run(env.config({ batchSize: 100, retry: FAST_RETRY }));
    expect(result).toMatchObject({ failed: false, error: null });
    expect(result!.counters).toMatchObject({ extracted: 1000, loaded: 996, quarantined: 4, dead: 0, retried: 0 });
    await waitForWatermarkAtEnd(env);

    const { rows: loaded } = await env.destination.query<{ n: string }>(`SELECT count(*)::text AS n FROM public.orders`);
    expect(loaded[0]!.n).toBe('996');
    const { rows: quarantined } = await env.destination.query<QuarantineRow>(
      `SELECT row_key, payload, error, sqlstate FROM syncfleet.quarantine WHERE pipeline = 'orders' ORDER BY (row_key->>0)::bigint`,
    );
    expect(quarantined.map((row) => row.row_key)).toEqual([['7'], ['250'], ['251'], ['999']]);
    expect(quarantined.map((row) => row.sqlstate)).toEqual(['23514', '23514', '23514', '23502']);
    expect(quarantined[0]!.error).toContain('no_poison');
    expect(quarantined[3]!.error).toMatch(/null value in column "amount"/);
    // The payload is the source row as the source printed it, ready to fix and replay.
    const { rows: source } = await env.source.query<{ status: string; amount: string | null; updated_at: string }>(
      `SELECT status, amount::text AS amount, updated_at::text AS updated_at FROM public.orders WHERE id = 7`,
    );
    expect(quarantined[0]!.payload).toEqual({ id: '7', ...source[0] });
    expect(quarantined[3]!.payload.amount).toBeNull();
  });

  test('over maxQuarantineRate, `syncfleet run` loads the good rows and exits non-zero', async ({ env }) => {
    const poisoned = Array.from({ length: 30 }, (_, index) => 10 + index * 33);
    await poisonedPair(env, poisoned, []);
    const file = await writeConfigFile(env.rawConfig({ batchSize: 100, retry: FAST_RETRY, maxQuarantineRate: 0.02 }));
    const run = env.spawnCli(['--config', file, 'run']);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain('quarantined 30 of 1000 rows, above maxQuarantineRate 0.02');
    const { rows } = await env.destination.query<{ loaded: string; quarantined: string }>(
      `SELECT (SELECT count(*) FROM public.orders)::text AS loaded, (SELECT count(*) FROM syncfleet.quarantine)::text AS quarantined`,
    );
    expect(rows[0]).toEqual({ loaded: '970', quarantined: '30' });
  });
});
