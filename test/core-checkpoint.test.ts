import { describe, expect } from 'vitest';
import {
  advanceWatermark,
  createPool,
  ensureDestinationTable,
  ensureWatermarkRow,
  migrate,
  readWatermark,
  writeBatch,
  type BatchTarget,
} from '@syncfleet/connectors';
import type pg from 'pg';
import { createOrdersTable, test } from './support/sync-fixture.ts';
import { orderBatch } from './support/batches.ts';
import { waitFor } from './support/services.ts';

const TYPES = ['timestamp with time zone', 'bigint'];
const ORDERS_COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'status', type: 'text' },
  { name: 'amount', type: 'numeric(12,2)' },
  { name: 'updated_at', type: 'timestamp with time zone' },
];

function target(conflict: BatchTarget['conflict'] = 'latest-wins'): BatchTarget {
  return { table: 'public.orders', key: ['id'], cursor: 'updated_at', conflict, textCompared: new Set() };
}

async function prepare(url: string): Promise<pg.Pool> {
  const pool = createPool(url);
  await migrate(pool);
  await ensureDestinationTable(pool, 'public.orders', ORDERS_COLUMNS, ['id']);
  await ensureWatermarkRow(pool, 'orders', TYPES);
  return pool;
}

const row = (id: number, second: number, status = 'new'): string[] => [
  String(id),
  status,
  '1.00',
  `2025-01-01 00:00:${String(second).padStart(2, '0')}+00`,
];

describe('checkpoint', () => {
  test('out-of-order completion never advances past a gap, and never backwards', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      const b1 = orderBatch('orders', null, [row(1, 1), row(2, 2)], 0);
      const b2 = orderBatch('orders', row(2, 2), [row(3, 3), row(4, 4)], 1);
      const b3 = orderBatch('orders', row(4, 4), [row(5, 5)], 2);

      await writeBatch(pool, b3, target());
      await writeBatch(pool, b2, target());
      expect((await advanceWatermark(pool, 'orders')).advanced).toBe(false);
      expect((await readWatermark(pool, 'orders'))!.keyset).toBeNull();

      await writeBatch(pool, b1, target());
      const advance = await advanceWatermark(pool, 'orders');
      expect(advance).toMatchObject({ from: null, to: b3.hi, advanced: true });

      // A late duplicate of the first batch changes nothing, and the watermark stays.
      expect((await writeBatch(pool, b1, target())).duplicate).toBe(true);
      expect((await advanceWatermark(pool, 'orders')).advanced).toBe(false);
      expect((await readWatermark(pool, 'orders'))!.keyset).toBe(b3.hi);
      const { rows } = await pool.query('SELECT count(*)::int AS n, count(checkpointed_at)::int AS done FROM syncfleet.ledger');
      expect(rows[0]).toEqual({ n: '3', done: '3' });
    } finally {
      await pool.end();
    }
  });

  test('chains through ranges cut differently by two scans and picks the furthest', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      // Scan A cut (∅, r2] and its next batch was lost with Redis; scan B cut (∅, r3], (r3, r5].
      await writeBatch(pool, orderBatch('orders', null, [row(1, 1), row(2, 2)]), target());
      await writeBatch(pool, orderBatch('orders', null, [row(1, 1), row(2, 2), row(3, 3)]), target());
      const last = orderBatch('orders', row(3, 3), [row(4, 4), row(5, 5)]);
      await writeBatch(pool, last, target());
      expect(await advanceWatermark(pool, 'orders')).toMatchObject({ to: last.hi, advanced: true });
    } finally {
      await pool.end();
    }
  });

  test('orders keysets by type, not as text', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      // As text "9" > "10"; as bigint the batch ending at id 10 is further.
      const a = orderBatch('orders', null, [row(9, 1)]);
      const b = orderBatch('orders', row(9, 1), [row(10, 1)]);
      await writeBatch(pool, a, target());
      await writeBatch(pool, b, target());
      expect(await advanceWatermark(pool, 'orders')).toMatchObject({ to: b.hi });
    } finally {
      await pool.end();
    }
  });

  test('the fenced write refuses to move a watermark that changed underneath', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      const b1 = orderBatch('orders', null, [row(1, 1)]);
      await writeBatch(pool, b1, target());
      // Another checkpointer holds the watermark row: ours must wait, then find nothing to do
      // (the other one moved it) rather than write over it.
      const other = await pool.connect();
      await other.query('BEGIN');
      await other.query(`UPDATE syncfleet.watermarks SET keyset = $1 WHERE pipeline = 'orders'`, [b1.hi]);
      // The rejection is caught at once: it may arrive while COMMIT is still in flight, before the
      // assertion below runs, and an unobserved rejection fails the whole run.
      const ours = advanceWatermark(pool, 'orders').then(
        () => undefined,
        (error: unknown) => error,
      );
      // Commit only once ours has read the old watermark and queued behind the row lock.
      await waitFor(
        async () => {
          const { rows } = await pool.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE syncfleet.watermarks%'`,
          );
          return rows.length > 0;
        },
        { what: 'the checkpoint to wait on the watermark row' },
      );
      await other.query('COMMIT');
      other.release();
      expect(await ours).toMatchObject({ code: 'WATERMARK_CONFLICT' });
      expect((await readWatermark(pool, 'orders'))!.keyset).toBe(b1.hi);
    } finally {
      await pool.end();
    }
  });
});

describe('conflict strategies', () => {
  async function setupWith(env: { destinationUrl: string }, conflict: BatchTarget['conflict']) {
    const pool = await prepare(env.destinationUrl);
    await pool.query(`INSERT INTO public.orders VALUES (1, 'dest-edit', 9.99, '2025-01-01 00:00:30+00'), (2, 'old', NULL, '2025-01-01 00:00:01+00'), (3, 'same', 1.00, '2025-01-01 00:00:05+00')`);
    const batch = orderBatch('orders', null, [
      ['1', 'from-source', '1.00', '2025-01-01 00:00:10+00'], // older than the destination's row
      ['2', 'from-source', null, '2025-01-01 00:00:10+00'], // newer, with a NULL amount
      ['3', 'same', '1.00', '2025-01-01 00:00:05+00'], // identical
      ['4', 'new', '4.00', '2025-01-01 00:00:10+00'], // absent
    ]);
    const outcome = await writeBatch(pool, batch, target(conflict));
    const { rows } = await pool.query<{ id: string; status: string; amount: string | null }>(
      'SELECT id::text, status, amount::text FROM public.orders ORDER BY id',
    );
    await pool.end();
    return { outcome, rows };
  }

  test('latest-wins: the newer cursor wins, an older one never overwrites, identical rows are not written', async ({ env }) => {
    const { outcome, rows } = await setupWith(env, 'latest-wins');
    expect(rows).toEqual([
      { id: '1', status: 'dest-edit', amount: '9.99' },
      { id: '2', status: 'from-source', amount: null },
      { id: '3', status: 'same', amount: '1.00' },
      { id: '4', status: 'new', amount: '4.00' },
    ]);
    expect(outcome).toMatchObject({ loaded: 2, unchanged: 2 });
  });

  test('source-wins: every differing row takes the source version, identical rows are not written', async ({ env }) => {
    const { outcome, rows } = await setupWith(env, 'source-wins');
    expect(rows.map((r) => r.status)).toEqual(['from-source', 'from-source', 'same', 'new']);
    expect(outcome).toMatchObject({ loaded: 3, unchanged: 1 });
  });

  test('source-wins: an older source version never overwrites a newer one, even though the destination cursor is ignored', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    try {
      const newer = orderBatch('orders', null, [['7', 'v2', '2.00', '2025-01-01 00:00:20+00']]);
      const older = orderBatch('orders', null, [['7', 'v1', '1.00', '2025-01-01 00:00:10+00']]);
      await writeBatch(pool, newer, target('source-wins'));
      // A destination-side edit with a far newer cursor…
      await pool.query(`UPDATE public.orders SET status = 'edited', updated_at = '2030-01-01' WHERE id = 7`);
      // …is overwritten by the next source version, but a stale replay of v1 changes nothing.
      expect(await writeBatch(pool, older, target('source-wins'))).toMatchObject({ loaded: 0, unchanged: 1 });
      expect((await pool.query('SELECT status FROM public.orders WHERE id = 7')).rows[0]).toEqual({ status: 'edited' });
      const v3 = orderBatch('orders', null, [['7', 'v3', '3.00', '2025-01-01 00:00:30+00']]);
      expect(await writeBatch(pool, v3, target('source-wins'))).toMatchObject({ loaded: 1 });
      expect((await pool.query('SELECT status FROM public.orders WHERE id = 7')).rows[0]).toEqual({ status: 'v3' });
      expect(await writeBatch(pool, older, target('source-wins'))).toMatchObject({ duplicate: true });
    } finally {
      await pool.end();
    }
  });

  test('dest-wins: existing rows are never touched, new keys are inserted', async ({ env }) => {
    const { outcome, rows } = await setupWith(env, 'dest-wins');
    expect(rows.map((r) => r.status)).toEqual(['dest-edit', 'old', 'same', 'new']);
    expect(outcome).toMatchObject({ loaded: 1, unchanged: 3 });
  });

  test('merge: like latest-wins, but a NULL from the source keeps the destination value', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    await pool.query(`INSERT INTO public.orders VALUES (2, 'old', 7.50, '2025-01-01 00:00:01+00')`);
    const batch = orderBatch('orders', null, [['2', 'from-source', null, '2025-01-01 00:00:10+00']]);
    await writeBatch(pool, batch, target('merge'));
    const { rows } = await pool.query('SELECT status, amount::text FROM public.orders WHERE id = 2');
    await pool.end();
    expect(rows[0]).toEqual({ status: 'from-source', amount: '7.50' });
  });

  test('within a batch, the newest version of a key wins', async ({ env }) => {
    const pool = await prepare(env.destinationUrl);
    const batch = orderBatch('orders', null, [row(1, 3, 'newest'), row(1, 1, 'oldest'), row(1, 2, 'middle')]);
    await writeBatch(pool, batch, target());
    const { rows } = await pool.query('SELECT status FROM public.orders');
    await pool.end();
    expect(rows).toEqual([{ status: 'newest' }]);
  });
});

describe('end to end against the orders table', () => {
  test('an older version delivered after a newer one changes nothing', async ({ env }) => {
    await createOrdersTable(env.source, 10);
    await env.run(env.config());
    const pool = await prepare(env.destinationUrl);
    try {
      const before = await env.rowsOf(env.destination, 'public.orders');
      const stale = orderBatch('orders', null, [['5', 'stale', '0.00', '2024-01-01 00:00:00+00']]);
      expect(await writeBatch(pool, stale, target())).toMatchObject({ loaded: 0, unchanged: 1 });
      expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(before);
    } finally {
      await pool.end();
    }
  });
});
