import pg from 'pg';

/**
 * The benchmark's source: an `orders` table like the ones people sync — bigint key, a few text,
 * numeric, jsonb and timestamp columns, ~150 bytes per row in text form, an index on the scan
 * order `(updated_at, id)`. Rows are generated server-side; 50 rows share each `updated_at`
 * second, as bulk updates make them do in real tables.
 */
export const ORDERS_DDL = `
  CREATE TABLE public.orders (
    id          bigint PRIMARY KEY,
    customer    text NOT NULL,
    email       text NOT NULL,
    status      text NOT NULL,
    amount      numeric(12,2) NOT NULL,
    currency    text NOT NULL,
    items       jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
  )`;

const GENERATED_ROW = `
  SELECT g,
         'customer-' || (g % 50000),
         'c' || (g % 50000) || '@example.com',
         (ARRAY['new','paid','shipped','delivered','refunded'])[1 + g % 5],
         round((g % 100000) / 100.0 + 1, 2),
         (ARRAY['EUR','USD','GBP'])[1 + g % 3],
         jsonb_build_object('sku', 'SKU-' || (g % 997), 'qty', 1 + g % 7, 'gift', g % 11 = 0),
         timestamptz '2025-01-01 00:00:00+00' + (g || ' seconds')::interval,
         timestamptz '2025-01-01 00:00:00+00' + ((g / 50) || ' seconds')::interval
  FROM generate_series($1::bigint, $2::bigint) AS g`;

export async function seedOrders(url: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(ORDERS_DDL);
    // In chunks: one multi-million-row INSERT holds all its WAL and sort memory at once.
    const chunk = 1_000_000;
    for (let from = 1; from <= rows; from += chunk) {
      await client.query(`INSERT INTO public.orders ${GENERATED_ROW}`, [from, Math.min(rows, from + chunk - 1)]);
    }
    await client.query('CREATE INDEX orders_updated_at_id_idx ON public.orders (updated_at, id)');
    await client.query('VACUUM ANALYZE public.orders');
  } finally {
    await client.end();
  }
}

/**
 * Changes `changes` rows the way an application does between two syncs: half of them updated
 * (spread over the whole key range), half inserted after the current maximum id. Every changed
 * row gets a fresh `updated_at`, so the next scan picks up exactly these rows.
 */
export async function changeOrders(url: string, changes: number): Promise<{ updated: number; inserted: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string; max: string }>('SELECT count(*)::text AS n, max(id)::text AS max FROM public.orders');
    const total = Number(rows[0]!.n);
    const maxId = Number(rows[0]!.max);
    const updates = Math.min(total, Math.floor(changes / 2));
    const inserts = changes - updates;
    const stride = Math.max(1, Math.floor(total / Math.max(1, updates)));
    await client.query('BEGIN');
    const updated = await client.query(
      `UPDATE public.orders SET status = 'changed', amount = amount + 1, updated_at = clock_timestamp()
       WHERE id IN (SELECT id FROM public.orders WHERE id % $1 = 0 ORDER BY id LIMIT $2)`,
      [stride, updates],
    );
    const inserted = await client.query(
      `INSERT INTO public.orders ${GENERATED_ROW.replace(
        "timestamptz '2025-01-01 00:00:00+00' + ((g / 50) || ' seconds')::interval",
        'clock_timestamp()',
      )}`,
      [maxId + 1, maxId + inserts],
    );
    await client.query('COMMIT');
    return { updated: updated.rowCount ?? 0, inserted: inserted.rowCount ?? 0 };
  } finally {
    await client.end();
  }
}
