import { afterEach, describe, expect } from 'vitest';
import { test } from './support/sync-fixture.ts';
import { createMariadbDatabase } from './support/mariadb.ts';

/** MariaDB databases made by a test, dropped after it. */
const created: { drop: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(created.splice(0).map((database) => database.drop()));
});

async function mariadb(label: string) {
  const database = await createMariadbDatabase(label);
  created.push(database);
  return database;
}

describe('MariaDB → Postgres', () => {
  test('types round-trip, zero dates are quarantined, changes sync latest-wins, a re-run writes nothing', async ({ env }) => {
    const source = await mariadb('src');
    // The legacy monolith's sql_mode lets zero dates in; Syncfleet must not.
    await source.pool.query("SET SESSION sql_mode = ''");
    await source.pool.query(`
      CREATE TABLE orders (
        id         BIGINT UNSIGNED NOT NULL PRIMARY KEY,
        amount     DECIMAL(38,10) NULL,
        placed_at  DATETIME(6) NULL,
        seen_at    TIMESTAMP(6) NULL DEFAULT NULL,
        doc        JSON NULL,
        note       VARCHAR(100) CHARACTER SET utf8mb4 NULL,
        blob_data  VARBINARY(16) NULL,
        flag       TINYINT(1) NULL,
        updated_at DATETIME(6) NOT NULL,
        KEY orders_sync (updated_at, id)
      )`);
    const connection = await source.pool.getConnection();
    try {
      await connection.query("SET SESSION sql_mode = '', time_zone = '+00:00'");
      await connection.query(`
        INSERT INTO orders VALUES
          (18446744073709551615, 1234567890123456789012345678.0123456789, '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07.999999',
           '{"a": [1, 2.50], "é": "ü"}', 'emoji 🚀 and ÄÖÜ', X'00FF10', 1, '2025-01-01 00:00:00.000001'),
          (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2025-01-01 00:00:00.000001'),
          (3, 0.5, '0000-00-00 00:00:00', NULL, NULL, 'zero date', NULL, 0, '2025-01-01 00:00:00.000002')`);
      // A TIMESTAMP written by a session in another zone is the same instant; DATETIME is wall time.
      await connection.query("SET SESSION time_zone = '+05:00'");
      await connection.query(`INSERT INTO orders (id, placed_at, seen_at, updated_at) VALUES (4, '2025-01-01 05:00:00', '2025-01-01 05:00:00', '2025-01-01 00:00:00.000003')`);
    } finally {
      connection.release();
    }
    const config = env.config({
      source: { kind: 'mariadb', url: source.url, table: 'orders' },
      maxQuarantineRate: 1,
      batchSize: 2,
    });

    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 4, loaded: 3, quarantined: 1 });
    const { rows: types } = await env.destination.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, format_type(atttypid, atttypmod) AS data_type FROM pg_attribute a
       JOIN (SELECT attname AS column_name, attrelid, attnum FROM pg_attribute) n USING (attrelid, attnum)
       WHERE attrelid = 'public.orders'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    expect(Object.fromEntries(types.map((row) => [row.column_name, row.data_type]))).toEqual({
      id: 'numeric(20,0)',
      amount: 'numeric(38,10)',
      placed_at: 'timestamp(6) without time zone',
      seen_at: 'timestamp(6) with time zone',
      doc: 'jsonb',
      note: 'character varying(100)',
      blob_data: 'bytea',
      flag: 'smallint',
      updated_at: 'timestamp(6) without time zone',
    });
    const { rows: zoned } = await env.destination.query<{ placed_at: string; seen_at: string }>(
      'SELECT placed_at::text, seen_at::text FROM public.orders WHERE id = 4',
    );
    expect(zoned[0]).toEqual({ placed_at: '2025-01-01 05:00:00', seen_at: '2025-01-01 00:00:00+00' });
    await env.destination.query('DELETE FROM public.orders WHERE id = 4');
    expect(await env.rowsOf(env.destination, 'public.orders')).toEqual([
      '(2,,,,,,,,"2025-01-01 00:00:00.000001")',
      '(18446744073709551615,1234567890123456789012345678.0123456789,"2024-02-29 23:59:59.999999","2038-01-19 03:14:07.999999+00","{""a"": [1, 2.50], ""é"": ""ü""}","emoji 🚀 and ÄÖÜ","\\\\x00ff10",1,"2025-01-01 00:00:00.000001")',
    ]);
    const { rows: quarantined } = await env.destination.query<{ row_key: unknown; error: string; sqlstate: string }>(
      'SELECT row_key, error, sqlstate FROM syncfleet.quarantine',
    );
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]!.row_key).toEqual(['3']);
    expect(quarantined[0]!.sqlstate).toBe('22008');

    // A newer version of one row, and an older cursor that must not win.
    await source.pool.query("UPDATE orders SET note = 'changed', updated_at = '2025-02-01 00:00:00' WHERE id = 2");
    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 1, loaded: 1 });
    expect(second!.watermark).toBe(JSON.stringify(['2025-02-01 00:00:00.000000', '2']));
    const { rows: changed } = await env.destination.query<{ note: string }>('SELECT note FROM public.orders WHERE id = 2');
    expect(changed[0]!.note).toBe('changed');

    const [third] = await env.run(config);
    expect(third!.counters).toMatchObject({ extracted: 0, loaded: 0 });
  });
});

describe('Postgres → MariaDB', () => {
  test('types round-trip into a created table, ledger and watermark live in MariaDB, re-runs write nothing', async ({ env }) => {
    const destination = await mariadb('dst');
    await env.source.query(`
      CREATE TABLE public.orders (
        id         bigint PRIMARY KEY,
        code       text,
        amount     numeric(20,4),
        big        bigint,
        doc        jsonb,
        blob_data  bytea,
        flag       boolean,
        happened   timestamptz,
        day        date,
        updated_at timestamptz NOT NULL
      )`);
    await env.source.query(`
      INSERT INTO public.orders
      SELECT g, 'code ' || g || ' 😀', g * 1.2345, 9223372036854775807 - g, jsonb_build_object('g', g), '\\x0aff'::bytea,
             g % 2 = 0, '2024-06-01 12:00:00.123456+00', '2024-06-01',
             timestamptz '2025-01-01 00:00:00+00' + g * interval '1 microsecond'
      FROM generate_series(1, 250) AS g`);
    await env.source.query(`INSERT INTO public.orders VALUES (0, NULL, NULL, NULL, NULL, NULL, NULL, 'infinity', NULL, '2025-01-01 00:00:00+00')`);
    const config = env.config({
      destination: { kind: 'mariadb', url: destination.url, table: 'orders' },
      maxQuarantineRate: 1,
    });

    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 251, loaded: 250, quarantined: 1 });
    expect(first!.watermark).toBe(JSON.stringify(['2025-01-01 00:00:00.00025+00', '250']));

    const [rows] = await destination.pool.query<import('mysql2').RowDataPacket[]>(
      'SELECT id, code, amount, big, doc, HEX(blob_data) AS blob_hex, flag, happened, day, updated_at FROM orders WHERE id IN (1, 2) ORDER BY id',
    );
    expect(rows[0]).toEqual({
      id: '1',
      code: 'code 1 😀',
      amount: '1.2345',
      big: '9223372036854775806',
      doc: { g: 1 }, // the test pool's driver parses JSON columns
      blob_hex: '0AFF',
      flag: 0,
      happened: '2024-06-01 12:00:00.123456',
      day: '2024-06-01',
      updated_at: '2025-01-01 00:00:00.000001',
    });
    expect(rows[1]).toMatchObject({ id: '2', flag: 1 });
    const [quarantine] = await destination.pool.query<import('mysql2').RowDataPacket[]>('SELECT row_key, `sqlstate` FROM syncfleet_quarantine');
    expect(quarantine).toEqual([{ row_key: '["0"]', sqlstate: '22007' }]);
    const [ledger] = await destination.pool.query<import('mysql2').RowDataPacket[]>(
      'SELECT COUNT(*) AS n, SUM(checkpointed_at IS NULL) AS pending FROM syncfleet_ledger',
    );
    expect(ledger[0]).toMatchObject({ n: '3', pending: '0' });

    // Latest-wins: a newer source version is applied; an older cursor never overwrites it.
    await env.source.query(`UPDATE public.orders SET code = 'newer', updated_at = '2025-03-01 00:00:00+00' WHERE id = 7`);
    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 1, loaded: 1 });
    const [seven] = await destination.pool.query<import('mysql2').RowDataPacket[]>('SELECT code FROM orders WHERE id = 7');
    expect(seven[0]!.code).toBe('newer');

    const [third] = await env.run(config);
    expect(third!.counters).toMatchObject({ extracted: 0, loaded: 0 });
  });
});
