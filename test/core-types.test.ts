import { describe, expect } from 'vitest';
import { test } from './support/sync-fixture.ts';

describe('types round-trip exactly', () => {
  test('bigint, numeric, timestamps, jsonb, json, uuid, arrays, bytea, awkward text and NULLs', async ({ env }) => {
    await env.source.query(`
      CREATE TABLE public.orders (
        id          bigint PRIMARY KEY,
        big         bigint,
        amount      numeric(38,10),
        ratio       double precision,
        at_tz       timestamptz,
        at_local    timestamp,
        day         date,
        doc         jsonb,
        raw_doc     json,
        uid         uuid,
        tags        text[],
        matrix      integer[][],
        blob        bytea,
        note        text,
        flag        boolean,
        span        interval,
        updated_at  timestamptz NOT NULL
      )`);
    await env.source.query(`
      INSERT INTO public.orders VALUES
      (1, 9223372036854775807, 1234567890123456789012345678.0123456789, 0.1, '2024-02-29 23:59:59.999999+00',
       '2024-02-29 23:59:59.999999', '0001-01-01', '{"a": [1, 2.50, {"b": null}], "é": "ü"}', '{"keep":  "spacing", "dup": 1, "dup": 2}',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', ARRAY['x', 'y,z', 'q"uote', NULL, ''], '{{1,2},{3,4}}',
       '\\x00ff5c0a09', E'tab\\there\\nnewline \\\\ backslash ''quote'' "dq" 😀 \\\\N', true, '1 day 02:03:04.5', '2025-01-01 00:00:00+00'),
      (2, -9223372036854775808, -0.0000000001, 'NaN', 'infinity', '-infinity', '2024-01-01', 'null', '[]',
       NULL, '{}', NULL, '\\x', '', false, '-1 mons', '2025-01-01 00:00:01+00'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2025-01-01 00:00:02+00')`);
    const [result] = await env.run(env.config({ batchSize: 2 }));
    expect(result!.failed).toBe(false);
    expect(result!.counters.loaded).toBe(3);

    const sourceRows = await env.rowsOf(env.source, 'public.orders');
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(sourceRows);
    // The destination was created from the source's types, not widened to text.
    const { rows: types } = await env.destination.query(
      `SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = 'public.orders'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    expect(types.find((row) => row.attname === 'amount')!.type).toBe('numeric(38,10)');
    expect(types.find((row) => row.attname === 'matrix')!.type).toBe('integer[]');
    // Values compared in SQL, not as text: bigint extremes and numeric scale are intact.
    const { rows } = await env.destination.query(`SELECT big::text, amount::text FROM public.orders WHERE id = 1`);
    expect(rows[0]).toEqual({ big: '9223372036854775807', amount: '1234567890123456789012345678.0123456789' });
  });

  test('json columns without an equality operator are compared as text when re-synced', async ({ env }) => {
    await env.source.query(`CREATE TABLE public.orders (id int PRIMARY KEY, doc json, updated_at timestamptz NOT NULL)`);
    await env.source.query(`INSERT INTO public.orders VALUES (1, '{"a":1}', '2025-01-01'), (2, '{"b":2}', '2025-01-01')`);
    await env.run(env.config());
    // Re-deliver the same versions in differently cut batches (new batch ids, so neither the
    // queue nor the ledger short-cuts them) by rewinding the watermark: nothing may be written.
    await env.destination.query(`UPDATE syncfleet.watermarks SET keyset = NULL`);
    await env.destination.query(`UPDATE syncfleet.ledger SET checkpointed_at = now()`);
    const [again] = await env.run(env.config({ batchSize: 1 }));
    expect(again!.counters).toMatchObject({ extracted: 2, loaded: 0, unchanged: 2 });
  });
});
