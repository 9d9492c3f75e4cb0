import pg from 'pg';

/**
 * The demo's data: a `shop` database with an `orders` table of realistic rows, and an empty
 * `warehouse` database to sync into. Created from scratch on every demo run.
 */
export interface DemoDatabases {
  readonly sourceUrl: string;
  readonly destinationUrl: string;
}

export function demoDatabases(adminUrl: string): DemoDatabases {
  return {
    sourceUrl: withDatabase(adminUrl, 'syncfleet_demo_shop'),
    destinationUrl: withDatabase(adminUrl, 'syncfleet_demo_warehouse'),
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function seedDemo(adminUrl: string, rows: number): Promise<DemoDatabases> {
  const databases = demoDatabases(adminUrl);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of ['syncfleet_demo_shop', 'syncfleet_demo_warehouse']) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await admin.end();
  }
  const source = new pg.Client({ connectionString: databases.sourceUrl });
  await source.connect();
  try {
    await source.query(`
      CREATE TABLE public.orders (
        id          bigint PRIMARY KEY,
        customer    text NOT NULL,
        status      text NOT NULL,
        amount      numeric(12,2) NOT NULL,
        items       jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    // Generated server-side: a few hundred thousand rows in a couple of seconds, and many
    // rows share an updated_at value, as bulk updates make them do in real tables.
    await source.query(
      `INSERT INTO public.orders
       SELECT g,
              'customer-' || (g % 5000),
              (ARRAY['new','paid','shipped','delivered','refunded'])[1 + g % 5],
              round((g % 100000) / 100.0 + 1, 2),
              jsonb_build_object('sku', 'SKU-' || (g % 997), 'qty', 1 + g % 7),
              timestamptz '2025-01-01 00:00:00+00' + (g || ' seconds')::interval,
              timestamptz '2025-01-01 00:00:00+00' + ((g / 50) || ' seconds')::interval
       FROM generate_series(1, $1::int) AS g`,
      [rows],
    );
    await source.query('CREATE INDEX orders_updated_at_id_idx ON public.orders (updated_at, id)');
    await source.query('ANALYZE public.orders');
  } finally {
    await source.end();
  }
  return databases;
}

/** Refunds a fraction of the demo's orders, moving their cursor forward as an application would. */
export async function changeDemoOrders(sourceUrl: string, fraction: number): Promise<number> {
  const source = new pg.Client({ connectionString: sourceUrl });
  await source.connect();
  try {
    const every = Math.max(1, Math.round(1 / fraction));
    const result = await source.query(
      `UPDATE public.orders SET status = 'refunded', updated_at = updated_at + interval '1 day' WHERE id % $1 = 0`,
      [every],
    );
    return result.rowCount ?? 0;
  } finally {
    await source.end();
  }
}
