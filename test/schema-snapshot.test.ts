import { describe, expect } from 'vitest';
import { createPool, migrate } from '@syncfleet/connectors';
import { test } from './support/sync-fixture.ts';

/**
 * The `syncfleet` schema as the migrations build it. A change to a migration that is not
 * reflected here (or the reverse) fails: update the snapshot deliberately with `vitest -u`.
 */
describe('syncfleet schema', () => {
  test('matches the committed snapshot, and migrating twice changes nothing', async ({ env }) => {
    const pool = createPool(env.destinationUrl);
    try {
      expect((await migrate(pool)).length).toBeGreaterThan(0);
      expect(await migrate(pool)).toEqual([]);
      const { rows: columns } = await pool.query<{ line: string }>(`
        SELECT format('%s.%s %s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                      CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                      COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')) AS line
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = 'syncfleet' AND c.relkind = 'r'
        ORDER BY c.relname, a.attnum`);
      const { rows: indexes } = await pool.query<{ line: string }>(`
        SELECT regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON') AS line FROM pg_indexes
        WHERE schemaname = 'syncfleet' ORDER BY tablename, indexdef`);
      const { rows: checks } = await pool.query<{ line: string }>(`
        SELECT format('%s %s', conrelid::regclass, pg_get_constraintdef(oid)) AS line FROM pg_constraint
        WHERE connamespace = 'syncfleet'::regnamespace AND contype = 'c' ORDER BY 1`);
      const snapshot = [...columns, ...indexes, ...checks].map((row) => row.line).join('\n') + '\n';
      await expect(snapshot).toMatchFileSnapshot('./__snapshots__/syncfleet-schema.txt');
    } finally {
      await pool.end();
    }
  });
});
