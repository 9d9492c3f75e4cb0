import type { BatchRow } from './batch.ts';

/**
 * Transforms in code: a user's module exports a zod `schema` for the raw row and a pure
 * `map(raw) => row | row[] | null`. This is the pure half (validate, map, turn the result back
 * into text rows); loading the module is the connectors' job.
 *
 * The raw row is an object of the source's text values (`null` for NULL), so a schema coerces
 * what it needs (`z.coerce.number()`, `z.coerce.bigint()`). A row that fails the schema, or whose
 * `map` throws or returns a row without the key and cursor columns, is rejected with the reason
 * and goes to quarantine; `null` drops a row on purpose; an array fans one row out.
 */
export interface RowSchema {
  safeParse(value: unknown):
    | { readonly success: true; readonly data: unknown }
    | { readonly success: false; readonly error: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] } };
}

export type TransformOutput = Record<string, unknown>;

export interface TransformModule {
  readonly schema: RowSchema;
  map(raw: never): TransformOutput | readonly TransformOutput[] | null | undefined;
}

/** A row that could not be loaded: the raw payload, its key, and why. */
export interface RejectedRow {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly key: readonly (string | null)[];
  readonly error: string;
  readonly code: string | null;
}

export interface TransformedRows {
  readonly columns: string[];
  readonly rows: BatchRow[];
  readonly rejected: RejectedRow[];
  /** Input rows `map` dropped by returning `null`. */
  readonly dropped: number;
}

export function applyTransform(
  transform: TransformModule,
  columns: readonly string[],
  rows: readonly BatchRow[],
  keyset: { readonly key: readonly string[]; readonly cursor: string },
): TransformedRows {
  const keyPositions = keyset.key.map((column) => columns.indexOf(column));
  const required = [keyset.cursor, ...keyset.key];
  const outputs: Record<string, string | null>[] = [];
  const rejected: RejectedRow[] = [];
  let dropped = 0;
  for (const row of rows) {
    const raw = Object.fromEntries(columns.map((column, index) => [column, row[index] ?? null]));
    const reject = (error: string) =>
      rejected.push({ payload: raw, key: keyPositions.map((position) => row[position] ?? null), error, code: 'TRANSFORM' });
    const parsed = transform.schema.safeParse(raw);
    if (!parsed.success) {
      reject(`transform schema: ${parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(row)'}: ${issue.message}`).join('; ')}`);
      continue;
    }
    let mapped: TransformOutput | readonly TransformOutput[] | null | undefined;
    try {
      mapped = transform.map(parsed.data as never);
    } catch (error) {
      reject(`transform map threw: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (mapped === null || mapped === undefined) {
      dropped += 1;
      continue;
    }
    const produced = (Array.isArray(mapped) ? mapped : [mapped]) as readonly TransformOutput[];
    const texts: Record<string, string | null>[] = [];
    let problem: string | null = null;
    for (const output of produced) {
      const text: Record<string, string | null> = {};
      for (const [name, value] of Object.entries(output)) text[name] = textOf(value);
      const missing = required.filter((column) => text[column] === null || text[column] === undefined);
      if (missing.length > 0) {
        problem = `transform output lacks ${missing.join(', ')} — map must return the key and cursor columns under their source names`;
        break;
      }
      texts.push(text);
    }
    if (problem !== null) reject(problem);
    else outputs.push(...texts);
  }
  const names = new Set<string>(required);
  for (const output of outputs) for (const name of Object.keys(output)) names.add(name);
  const outputColumns = [...names];
  return {
    columns: outputColumns,
    rows: outputs.map((output) => outputColumns.map((name) => output[name] ?? null)),
    rejected,
    dropped,
  };
}

/**
 * JS values back to text forms both Postgres and MariaDB parse: numbers and bigints in decimal,
 * booleans as true/false, Dates as ISO-8601 in UTC (milliseconds: a Date holds no more),
 * objects and arrays as JSON.
 */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}
