import { describe, expect } from 'vitest';
import { createOrdersTable, test } from './support/sync-fixture.ts';

describe('keyset watermark', () => {
  test('syncs thousands of rows sharing one cursor value across batch boundaries', async ({ env }) => {
    // 2,500 rows with the same microsecond timestamp, cut into batches of 100: every boundary
    // falls inside the tie, so only the key part of the keyset tells the pages apart.
    await createOrdersTable(env.source, 2500, { sameCursor: true });
    const [result] = await env.run(env.config({ batchSize: 100 }));
    expect(result!.failed).toBe(false);
    expect(result!.counters).toMatchObject({ extracted: 2500, loaded: 2500, batches: 25 });
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
    expect(result!.watermark).toBe(JSON.stringify(['2025-06-01 12:00:00.123456+00', '2500']));
  });

  test('keeps microseconds: rows 1 µs apart on both sides of a batch boundary are all synced', async ({ env }) => {
    await createOrdersTable(env.source);
    await env.source.query(`
      INSERT INTO public.orders
      SELECT g, 'new', g, timestamptz '2025-01-01 00:00:00.000001+00' + g * interval '1 microsecond'
      FROM generate_series(1, 350) AS g`);
    await env.run(env.config({ batchSize: 100 }));
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
  });

  test('an incremental run moves only what changed, including rows that tie with the watermark', async ({ env }) => {
    await createOrdersTable(env.source, 1000);
    await env.run(env.config());
    // Updates move rows past the watermark; an insert ties the watermark's cursor with a larger key.
    await env.source.query(`UPDATE public.orders SET status = 'paid', updated_at = updated_at + interval '1 day' WHERE id % 100 = 0`);
    // Row 1000 was the watermark: (its original updated_at, 1000). A new row with that same
    // cursor value and a larger key sorts after the watermark and must be picked up.
    await env.source.query(
      `INSERT INTO public.orders VALUES (5000, 'tie', 1, timestamptz '2025-01-01 00:00:00+00' + 1000 * interval '1001 milliseconds')`,
    );
    const [second] = await env.run(env.config());
    expect(second!.counters).toMatchObject({ extracted: 11, loaded: 11, unchanged: 0 });
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
  });

  test('a transaction that commits late, within the lag, is not missed', async ({ env }) => {
    await createOrdersTable(env.source, 100);
    const config = env.config({ lag: '3s' });
    await env.source.query(`UPDATE public.orders SET updated_at = now() - interval '10 seconds'`);
    // Open a transaction that stamps its row with the transaction's start time, then hold it.
    const late = await env.source.connect();
    await late.query('BEGIN');
    await late.query(`INSERT INTO public.orders VALUES (1000, 'late', 1, now())`);
    // Meanwhile other rows commit with later stamps and a sync runs.
    await env.source.query(`INSERT INTO public.orders VALUES (1001, 'early', 1, now() - interval '5 seconds')`);
    const [first] = await env.run(config);
    expect(first!.counters.extracted).toBe(101);
    // The late transaction commits within the lag; the next sync after the lag has passed must see it.
    await late.query('COMMIT');
    late.release();
    await new Promise((resolve) => setTimeout(resolve, 3100)); // the lag itself is the condition under test
    const [second] = await env.run(config);
    expect(second!.counters.extracted).toBe(1);
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
  });

  test('with lag, rows newer than now − lag wait for a later run', async ({ env }) => {
    await createOrdersTable(env.source);
    await env.source.query(`INSERT INTO public.orders VALUES (1, 'old', 1, now() - interval '1 hour'), (2, 'fresh', 1, now())`);
    const [result] = await env.run(env.config({ lag: '30m' }));
    expect(result!.counters.extracted).toBe(1);
    const { rows } = await env.destination.query('SELECT id FROM public.orders');
    expect(rows.map((row) => row.id)).toEqual(['1']);
  });
});

describe('query sources', () => {
  test('a SELECT with a join and a filter is scanned by its key and cursor like a table', async ({ env }) => {
    await createOrdersTable(env.source, 600);
    await env.source.query(`CREATE TABLE public.customers (order_id bigint PRIMARY KEY, region text NOT NULL)`);
    await env.source.query(`INSERT INTO public.customers SELECT g, CASE WHEN g % 3 = 0 THEN 'eu' ELSE 'us' END FROM generate_series(1, 600) g`);
    const config = env.config({
      batchSize: 50,
      source: {
        table: undefined,
        query: `SELECT o.id, o.status, o.updated_at, c.region FROM public.orders o JOIN public.customers c ON c.order_id = o.id WHERE c.region = 'eu'`,
      },
      destination: { table: 'public.eu_orders' },
    });
    const [result] = await env.run(config);
    expect(result!.counters).toMatchObject({ extracted: 200, loaded: 200 });
    const { rows } = await env.destination.query(`SELECT count(*)::int AS n, min(region) AS region FROM public.eu_orders`);
    expect(rows[0]).toEqual({ n: 200, region: 'eu' });
  });
});
