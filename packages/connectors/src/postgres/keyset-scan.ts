import type { BatchRow, Keyset, PostgresSourceConfig } from '@syncfleet/core';
import { keysetOfRow } from '@syncfleet/core';
import type { Queryable } from './connection.ts';
import type { ColumnInfo } from './relation.ts';
import { sourceRelationSql } from './relation.ts';
import { quoteIdent } from './identifiers.ts';

export interface KeysetScanOptions {
  readonly source: PostgresSourceConfig;
  readonly columns: readonly ColumnInfo[];
  readonly batchSize: number;
  /** Scan rows strictly after this keyset; `null` scans from the beginning. */
  readonly after: Keyset | null;
  /** Inclusive upper bound on the cursor (text form), or `null` for none. */
  readonly cursorBound: string | null;
}

export interface ScannedPage {
  readonly rows: BatchRow[];
  /** The keyset of the page's last row: the batch's `hi`. */
  readonly hi: Keyset;
}

/** Cursor first, then key columns: the scan order and the shape of every keyset. */
export function keysetColumns(source: PostgresSourceConfig): string[] {
  return [source.cursor, ...source.key];
}

export function keysetTypes(source: PostgresSourceConfig, columns: readonly ColumnInfo[]): string[] {
  return keysetColumns(source).map((name) => columns.find((column) => column.name === name)!.type);
}

/**
 * One page of the keyset scan. Pages rather than one long cursor: every page is an
 * independent, index-driven query `(cursor, key…) > $after ORDER BY cursor, key… LIMIT n`, so
 * memory is one page, no transaction stays open across a long scan, and rows sharing a cursor
 * value are split between pages by their key without being skipped or repeated.
 */
export function buildPageQuery(options: KeysetScanOptions): { text: string; values: (string | null)[] } {
  const { source, columns } = options;
  const order = keysetColumns(source);
  const types = keysetTypes(source, columns);
  const values: (string | null)[] = [];
  const where: string[] = [];
  if (options.after !== null) {
    const params = options.after.map((value, index) => {
      values.push(value);
      return `$${values.length}::${types[index]}`;
    });
    where.push(`(${order.map(quoteIdent).join(', ')}) > (${params.join(', ')})`);
  }
  if (options.cursorBound !== null) {
    values.push(options.cursorBound);
    where.push(`${quoteIdent(source.cursor)} <= $${values.length}::${types[0]}`);
  }
  const text =
    `SELECT ${columns.map((column) => quoteIdent(column.name)).join(', ')} FROM ${sourceRelationSql(source)}` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order.map(quoteIdent).join(', ')} LIMIT ${Math.trunc(options.batchSize)}`;
  return { text, values };
}

export async function* keysetScan(client: Queryable, options: KeysetScanOptions): AsyncGenerator<ScannedPage> {
  const positions = keysetColumns(options.source).map((name) => options.columns.findIndex((column) => column.name === name));
  let after = options.after;
  for (;;) {
    const query = buildPageQuery({ ...options, after });
    const result = await client.query({ text: query.text, values: query.values, rowMode: 'array' });
    const rows = result.rows as BatchRow[];
    if (rows.length === 0) return;
    const hi = keysetOfRow(rows[rows.length - 1]!, positions);
    yield { rows, hi };
    if (rows.length < options.batchSize) return;
    after = hi;
  }
}

/**
 * The scan's upper cursor bound, `now() − lag` on the source's clock, in the cursor's own type.
 * Only time-like cursors have one: a sequence number has no notion of "late".
 */
export async function cursorBoundFor(client: Queryable, cursorType: string, lagMs: number): Promise<string | null> {
  if (!/^(timestamp|date)/.test(cursorType)) return null;
  const { rows } = await client.query<{ bound: string }>(
    `SELECT (now() - make_interval(secs => $1::double precision / 1000))::${cursorType} AS bound`,
    [lagMs],
  );
  return rows[0]!.bound;
}

/** Rows a keyset scan can never see: a NULL cursor compares as unknown. */
export async function countNullCursorRows(client: Queryable, source: PostgresSourceConfig): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${sourceRelationSql(source)} WHERE ${quoteIdent(source.cursor)} IS NULL LIMIT 1000) AS nulls`,
  );
  return Number(rows[0]!.n);
}
