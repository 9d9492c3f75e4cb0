import type { ConflictStrategy } from '@syncfleet/core';
import { quoteIdent } from './identifiers.ts';

export interface UpsertShape {
  readonly table: string; // already quoted
  readonly stage: string; // already quoted
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly cursor: string;
  readonly conflict: ConflictStrategy;
  /** Columns whose type has no equality operator (json, xml, geometric): compared as text. */
  readonly textCompared: ReadonlySet<string>;
}

/**
 * The one statement that writes a batch:
 *
 *   INSERT INTO dest AS d (cols)
 *   SELECT DISTINCT ON (key) cols FROM stage ORDER BY key, cursor DESC, ctid DESC
 *   ON CONFLICT (key) DO UPDATE SET … WHERE <guard>
 *
 * DISTINCT ON keeps one row per key, the newest (then the last one copied: a fresh temp table's
 * ctid follows COPY order), because ON CONFLICT may not touch a row twice. The guard makes an
 * unchanged row cost no write, and for version-guarded strategies keeps an older cursor from
 * overwriting a newer one, whatever order batches commit in.
 */
export function buildUpsertSql(shape: UpsertShape): string {
  const cols = shape.columns.map(quoteIdent);
  const key = shape.key.map(quoteIdent);
  const cursor = quoteIdent(shape.cursor);
  const select =
    `SELECT DISTINCT ON (${key.join(', ')}) ${cols.join(', ')} FROM ${shape.stage} ` +
    `ORDER BY ${key.join(', ')}, ${cursor} DESC, ctid DESC`;
  const insert = `INSERT INTO ${shape.table} AS d (${cols.join(', ')}) ${select} ON CONFLICT (${key.join(', ')})`;
  const payload = shape.columns.filter((column) => !shape.key.includes(column));
  if (shape.conflict === 'dest-wins' || payload.length === 0) return `${insert} DO NOTHING`;

  const asCompared = (expr: string, column: string) => (shape.textCompared.has(column) ? `(${expr})::text` : expr);
  const newValue = (column: string) =>
    shape.conflict === 'merge'
      ? `COALESCE(EXCLUDED.${quoteIdent(column)}, d.${quoteIdent(column)})`
      : `EXCLUDED.${quoteIdent(column)}`;
  const differs = payload
    .map((column) => `${asCompared(`d.${quoteIdent(column)}`, column)} IS DISTINCT FROM ${asCompared(newValue(column), column)}`)
    .join(' OR ');
  const set = payload.map((column) => `${quoteIdent(column)} = ${newValue(column)}`).join(', ');
  // source-wins needs no cursor guard here: stale rows were dropped from the stage against
  // syncfleet.source_versions (see buildSourceVersionSql).
  const guard =
    shape.conflict === 'source-wins'
      ? `(${differs})`
      : `(d.${cursor} < EXCLUDED.${cursor} OR (d.${cursor} = EXCLUDED.${cursor} AND (${differs})))`;
  return `${insert} DO UPDATE SET ${set} WHERE ${guard}`;
}

/** Types without a default equality operator; comparing them with IS DISTINCT FROM fails. */
export const TYPES_WITHOUT_EQUALITY = /^(json|xml|point|line|lseg|box|path|polygon|circle)(\[\])?$/;

/**
 * source-wins keeps its own version per key (syncfleet.source_versions), because it ignores
 * the destination's cursor. Around the upsert: drop staged rows older than the version already
 * written for their key, then record the staged versions that are newer. `$1` is the pipeline.
 */
export function buildSourceVersionSql(shape: Pick<UpsertShape, 'stage' | 'key' | 'cursor'>, cursorType: string): {
  dropStale: string;
  record: string;
} {
  const rowKey = (alias: string) => `jsonb_build_array(${shape.key.map((column) => `${alias}.${quoteIdent(column)}::text`).join(', ')})::text`;
  const cursor = quoteIdent(shape.cursor);
  const key = shape.key.map(quoteIdent).join(', ');
  return {
    dropStale:
      `DELETE FROM ${shape.stage} AS s USING syncfleet.source_versions AS v ` +
      `WHERE v.pipeline = $1 AND v.row_key = ${rowKey('s')} AND v.version::${cursorType} > s.${cursor}`,
    record:
      `INSERT INTO syncfleet.source_versions AS v (pipeline, row_key, version) ` +
      `SELECT DISTINCT ON (${key}) $1, ${rowKey('s')}, s.${cursor}::text FROM ${shape.stage} AS s ORDER BY ${key}, s.${cursor} DESC ` +
      `ON CONFLICT (pipeline, row_key) DO UPDATE SET version = EXCLUDED.version ` +
      `WHERE v.version::${cursorType} < EXCLUDED.version::${cursorType}`,
  };
}
