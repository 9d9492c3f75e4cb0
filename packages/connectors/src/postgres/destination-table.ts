import type pg from 'pg';
import { SyncfleetError } from '@syncfleet/core';
import { quoteIdent, quoteQualified, splitQualified } from './identifiers.ts';
import type { ColumnInfo } from './relation.ts';
import { parsePgTextArray } from './text-array.ts';

/**
 * Makes sure the destination table can take the pipeline's rows: creates it from the source's
 * column types and key when missing, otherwise checks that every synced column exists and that
 * a primary key or unique index covers exactly the key columns (ON CONFLICT needs one).
 */
export async function ensureDestinationTable(
  pool: pg.Pool,
  table: string,
  columns: readonly ColumnInfo[],
  key: readonly string[],
): Promise<void> {
  const [schema, name] = splitSchema(table);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two workers creating the same table at once would collide on pg_type; serialise them.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syncfleet:table:${table}`]);
    const existing = await describeTable(client, schema, name);
    if (existing === null) {
      if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      const definitions = columns.map((column) => {
        const notNull = key.includes(column.name) ? ' NOT NULL' : '';
        return `${quoteIdent(column.name)} ${column.type}${notNull}`;
      });
      await client.query(
        `CREATE TABLE ${quoteQualified(table)} (${definitions.join(', ')}, PRIMARY KEY (${key.map(quoteIdent).join(', ')}))`,
      );
    } else {
      checkCompatible(table, existing, columns, key);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface ExistingTable {
  readonly columns: Map<string, string>;
  readonly uniqueKeys: string[][];
}

async function describeTable(client: pg.PoolClient, schema: string | null, name: string): Promise<ExistingTable | null> {
  const { rows: relation } = await client.query<{ oid: string }>(
    `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND ${schema === null ? 'pg_table_is_visible(c.oid)' : 'n.nspname = $2'}`,
    schema === null ? [name] : [name, schema],
  );
  if (relation.length === 0) return null;
  const oid = relation[0]!.oid;
  const { rows: columnRows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [oid],
  );
  const { rows: indexRows } = await client.query<{ columns: string[] | string }>(
    `SELECT array_agg(a.attname ORDER BY k.ord) AS columns
     FROM pg_index i
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
     GROUP BY i.indexrelid`,
    [oid],
  );
  return {
    columns: new Map(columnRows.map((row) => [row.name, row.type])),
    uniqueKeys: indexRows.map((row) => parsePgTextArray(row.columns)),
  };
}

function checkCompatible(table: string, existing: ExistingTable, columns: readonly ColumnInfo[], key: readonly string[]): void {
  const missing = columns.filter((column) => !existing.columns.has(column.name)).map((column) => column.name);
  if (missing.length > 0) {
    throw new SyncfleetError('DESTINATION_SCHEMA', `destination ${table} lacks column(s) ${missing.join(', ')}`, {
      hint: `add them (ALTER TABLE ${table} ADD COLUMN …) or leave them out of source.columns`,
    });
  }
  const wanted = [...key].sort().join(',');
  if (!existing.uniqueKeys.some((columnsOfIndex) => [...columnsOfIndex].sort().join(',') === wanted)) {
    throw new SyncfleetError('DESTINATION_SCHEMA', `destination ${table} has no primary key or unique index on (${key.join(', ')})`, {
      hint: `create one: ALTER TABLE ${table} ADD PRIMARY KEY (${key.join(', ')}) — upserts need it`,
    });
  }
}

function splitSchema(table: string): [string | null, string] {
  const parts = splitQualified(table);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : [null, parts[0]!];
}

/** Columns of the destination table, with their types; for text-compared columns and checks. */
export async function destinationColumnTypes(client: pg.PoolClient | pg.Pool, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [quoteQualified(table)],
  );
  return new Map(rows.map((row) => [row.name, row.type]));
}

