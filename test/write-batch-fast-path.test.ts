import { describe, expect } from 'vitest';
import { createPool, ensureDestinationTable, ensureWatermarkRow, migrate, writeBatch, type BatchTarget } from '@syncfleet/connectors';
import type pg from 'pg';
import { test } from './support/sync-fixture.ts';
import { orderBatch } from './support/batches.ts';
import { waitFor } from './support/services.ts';

/**
 * The initial-load fast path (COPY straight into the table when the batch's keys are absent)
 * must not open a hole in latest-wins: two batches that both find a key absent race to insert
 * it; the loser's COPY waits on the winner's row, gets unique_violation, and must fall back to
 * the guarded merge — so whichever commits first, the newer version is what stays.
 */
const TARGET: BatchTarget = { table: 'public.orders', key: ['id'], cursor: 'updated_at', conflict: 'latest-wins', textCompared: new Set() };

async function prepare(url: string): Promise<pg.Pool> {
  const pool = createPool(url, { max: 4 });
  await migrate(pool);
  await ensureDestinationTable(
    pool,
    'public.orders',
    [
      { name: 'id', type: 'bigint' },
      { name: 'status', type: 'text' },
      { name: 'amount', type: 'numeric(12,2)' },
      { name: 'updated_at', type: 'timestamp with time zone' },
    ],
    ['id'],
  );
  await ensureWatermarkRow(pool, 'orders', ['timestamp with time zone', 'bigint']);
  return pool;
}

const version = (status: string, second: number) => [
  ['1', status, '1.00', `2025-01-01 00:00:${String(second).padStart(2, '0')}+00`],
  ['2', status, '2.00', `2025-01-01 00:00:${String(second).padStart(2, '0')}+00`],
];

/** Runs `first` up to its COPY, starts `second` and lets `first` commit once `second` waits on its rows. */
async function race(pool: pg.Pool, first: ReturnType<typeof orderBatch>, second: ReturnType<typeof orderBatch>) {
  let secondWrite: ReturnType<typeof writeBatch> | undefined;
  const firstWrite = writeBatch(pool, first, TARGET, {
    afterCopy: async () => {
      secondWrite = writeBatch(pool, second, TARGET);
      await waitFor(
        async () => {
          const { rows } = await pool.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'transactionid'`,
          );
          return rows[0]!.n !== '0';
        },
        { what: 'the second batch to wait on the first one’s rows' },
      );
    },
  });
  const firstOutcome = await firstWrite;
  const secondOutcome = await secondWrite!;
  const { rows } = await pool.query<{ id: string; status: string }>('SELECT id::text, status FROM public.orders ORDER BY id');
  return { firstOutcome, secondOutcome, rows };
}

describe('initial-load fast path', () => {
  test('an older batch racing a newer one into an empty table never overwrites it', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      const { firstOutcome, secondOutcome, rows } = await race(
        pool,
        orderBatch('orders', null, version('newer', 20)),
        orderBatch('orders', null, version('older', 10)),
      );
      expect(firstOutcome).toMatchObject({ loaded: 2, unchanged: 0 });
      expect(secondOutcome).toMatchObject({ loaded: 0, unchanged: 2, duplicate: false });
      expect(rows).toEqual([
        { id: '1', status: 'newer' },
        { id: '2', status: 'newer' },
      ]);
    } finally {
      await pool.end();
    }
  });

  test('a newer batch that loses the race still replaces the older rows through the merge', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      const { secondOutcome, rows } = await race(
        pool,
        orderBatch('orders', null, version('older', 10)),
        orderBatch('orders', null, version('newer', 20)),
      );
      expect(secondOutcome).toMatchObject({ loaded: 2, unchanged: 0 });
      expect(rows).toEqual([
        { id: '1', status: 'newer' },
        { id: '2', status: 'newer' },
      ]);
    } finally {
      await pool.end();
    }
  });
});
