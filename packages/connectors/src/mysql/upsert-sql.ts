import type { ConflictStrategy } from '@syncfleet/core';
import { quoteMysqlIdent } from './identifiers.ts';

export interface MysqlUpsertShape {
  readonly table: string; // already quoted
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly cursor: string;
  readonly conflict: ConflictStrategy;
  readonly rowCount: number;
}

/**
 * `INSERT … VALUES (…), (…) ON DUPLICATE KEY UPDATE c = IF(<guard>, VALUES(c), c), …`.
 *
 * MySQL applies the assignments left to right, and a later guard sees the columns already
 * assigned. The guards stay right under that: once a column takes its new value, the later
 * guards compare the rest, and when one turns false the remaining columns already equal the new
 * values. The cursor goes last so every guard compares against the stored cursor, which keeps
 * the reasoning local. An unchanged row costs no write (0 affected rows), and an older cursor
 * never overwrites a newer one. `VALUES()` rather than the `AS new` alias: MariaDB 10.11
 * has no row alias.
 */
export function buildMysqlUpsertSql(shape: MysqlUpsertShape): string {
  const row = `(${shape.columns.map(() => '?').join(', ')})`;
  const insert =
    `INSERT INTO ${shape.table} (${shape.columns.map(quoteMysqlIdent).join(', ')}) VALUES ` +
    Array.from({ length: shape.rowCount }, () => row).join(', ');
  const payload = shape.columns.filter((column) => !shape.key.includes(column));
  const firstKey = quoteMysqlIdent(shape.key[0]!);
  if (shape.conflict === 'dest-wins' || payload.length === 0) return `${insert} ON DUPLICATE KEY UPDATE ${firstKey} = ${firstKey}`;

  const newValue = (column: string) =>
    shape.conflict === 'merge'
      ? `COALESCE(VALUES(${quoteMysqlIdent(column)}), ${quoteMysqlIdent(column)})`
      : `VALUES(${quoteMysqlIdent(column)})`;
  const same = payload.map((column) => `${quoteMysqlIdent(column)} <=> ${newValue(column)}`).join(' AND ');
  const cursor = quoteMysqlIdent(shape.cursor);
  if (shape.conflict === 'source-wins') {
    // Refused by the config schema: without per-key source versions it could regress a row.
    throw new TypeError('source-wins is not supported for MySQL/MariaDB destinations');
  }
  const guard = `(VALUES(${cursor}) > ${cursor} OR (VALUES(${cursor}) = ${cursor} AND NOT (${same})))`;
  const ordered = [...payload.filter((column) => column !== shape.cursor), ...payload.filter((column) => column === shape.cursor)];
  const set = ordered.map((column) => `${quoteMysqlIdent(column)} = IF(${guard}, ${newValue(column)}, ${quoteMysqlIdent(column)})`);
  return `${insert} ON DUPLICATE KEY UPDATE ${set.join(', ')}`;
}

/**
 * Rows an upsert wrote, from the server's counts: with CLIENT_FOUND_ROWS off, an insert counts
 * 1, a changed row 2, an unchanged one 0, and `info` says how many rows met an existing key.
 */
export function writtenRows(rowCount: number, affectedRows: number, info: string): number {
  const match = /Duplicates:\s*(\d+)/.exec(info);
  const duplicates = match ? Number(match[1]) : rowCount === 1 && affectedRows !== 1 ? 1 : 0;
  const inserted = rowCount - duplicates;
  return inserted + Math.max(0, (affectedRows - inserted) / 2);
}
