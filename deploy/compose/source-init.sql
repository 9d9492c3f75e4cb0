-- The demo shop's source table, seeded on the source database's first start (the postgres
-- image runs /docker-entrypoint-initdb.d/*.sql once, on an empty data directory).
-- The destination starts empty: the worker creates its table from the source's columns.
CREATE TABLE public.orders (
  id          bigint PRIMARY KEY,
  customer    text NOT NULL,
  status      text NOT NULL,
  amount      numeric(12,2) NOT NULL,
  items       jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
-- The producer's keyset scan walks (updated_at, id).
CREATE INDEX orders_updated_at_id ON public.orders (updated_at, id);

INSERT INTO public.orders
SELECT g,
       'customer-' || (g % 5000),
       (ARRAY['new','paid','shipped','delivered','refunded'])[1 + g % 5],
       round((g % 100000) / 100.0 + 1, 2),
       jsonb_build_object('sku', 'SKU-' || (g % 997), 'qty', 1 + g % 7),
       timestamptz '2025-01-01 00:00:00+00' + (g || ' seconds')::interval,
       timestamptz '2025-01-01 00:00:00+00' + ((g / 50) || ' seconds')::interval
FROM generate_series(1, 200000) AS g;
