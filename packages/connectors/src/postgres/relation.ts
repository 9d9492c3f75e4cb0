import type { PostgresSourceConfig } from '@syncfleet/core';
import { quoteIdent, quoteQualified } from './identifiers.ts';
import type { Queryable } from './connection.ts';
import { SyncfleetError } from '@syncfleet/core';

export interface ColumnInfo {
  readonly name: string;
  /** `format_type()` output, usable as a cast: `timestamp with time zone`, `numeric(38,10)`. */
  readonly type: string;
}

/** The FROM clause of a source: a quoted table, or the user's query as a subselect. */
export function sourceRelationSql(source: PostgresSourceConfig): string {
  return source.table !== undefined ? quoteQualified(source.table) : `(${source.query}) AS "sf_source"`;
}

/**
 * The source's columns and their types, asked of the server with a zero-row query so that a
 * table and a query are described the same way.
 */
export async function describeSource(client: Queryable, source: PostgresSourceConfig): Promise<ColumnInfo[]> {
  const projection = source.columns ? source.columns.map(quoteIdent).join(', ') : '*';
  let fields: { name: string; dataTypeID: number; dataTypeModifier: number }[];
  try {
    const result = await client.query(`SELECT ${projection} FROM ${sourceRelationSql(source)} LIMIT 0`);
    fields = result.fields;
  } catch (error) {
    throw new SyncfleetError('SOURCE_SCHEMA', `cannot read source ${source.table ?? 'query'}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that the table (or query) exists and that every listed column is spelled as in the database',
    });
  }
  const { rows } = await client.query<{ type: string }>(
    'SELECT format_type(t, NULLIF(m, -1)) AS type FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(t, m, i) ORDER BY i',
    [fields.map((field) => field.dataTypeID), fields.map((field) => field.dataTypeModifier)],
  );
  const columns = fields.map((field, index) => ({ name: field.name, type: rows[index]!.type }));
  const names = new Set(columns.map((column) => column.name));
  for (const required of [source.cursor, ...source.key]) {
    if (!names.has(required)) {
      throw new SyncfleetError('SOURCE_SCHEMA', `source has no column "${required}"`, {
        hint: `the source's columns are ${[...names].join(', ')} — fix source.key / source.cursor`,
      });
    }
  }
  if (names.size !== columns.length) {
    throw new SyncfleetError('SOURCE_SCHEMA', 'source query returns two columns with the same name', {
      hint: 'alias the duplicate columns in the query',
    });
  }
  return columns;
}
