import type { BatchRow } from '@syncfleet/core';

/**
 * COPY's text format: tab-separated, `\N` for NULL, and backslash, tab, newline and carriage
 * return escaped. Values are already Postgres text forms, so COPY parses them back exactly.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function escapeCopyValue(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}

export function encodeCopyRow(row: readonly (string | null)[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += escapeCopyValue(row[i] ?? null);
  }
  return line + '\n';
}

/**
 * Rows as COPY text in chunks of about `chunkBytes`: one `write()` per chunk rather than per
 * row keeps the stream's per-call overhead out of the hot path.
 */
export function* copyTextChunks(rows: readonly BatchRow[], chunkBytes = 64 * 1024): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += encodeCopyRow(row);
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
