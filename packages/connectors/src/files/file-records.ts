import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { SyncfleetError } from '@syncfleet/core';
import { parseJsonText } from '../json-text.ts';

/** Opens a file (or object) for reading from a byte offset: a local read stream, an S3 ranged GET. */
export type OpenAt = (start: bigint) => Readable | Promise<Readable>;

/** One record read from a file: its fields by name, or why it could not be read. */
export type FileRecord =
  | { readonly fields: Readonly<Record<string, unknown>>; readonly end: bigint }
  | { readonly error: string; readonly raw: string; readonly start: bigint; readonly end: bigint };

/**
 * The header of a CSV file and the byte where the data starts. A header that lacks a
 * configured column is a configuration problem, not a bad line: the whole file is refused.
 */
export async function readCsvHeader(
  open: OpenAt,
  name: string,
  delimiter: string,
  required: readonly string[],
): Promise<{ names: string[]; end: bigint }> {
  const input = await open(0n);
  const parser = input.pipe(parse({ delimiter, bom: true, to_line: 1, info: true, raw: true }));
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      const names = item.record.map((column) => column.trim());
      const missing = required.filter((column) => !names.includes(column));
      if (missing.length > 0) {
        throw new SyncfleetError('SOURCE_SCHEMA', `${name} has no column(s) ${missing.join(', ')} in its header`, {
          hint: `its header is ${names.join(', ')} — fix source.columns or the file`,
        });
      }
      return { names, end: BigInt(item.info.bytes) };
    }
    return { names: [], end: 0n };
  } finally {
    // Only the first line was wanted: stop reading the rest of a possibly huge file.
    input.destroy();
  }
}

/**
 * CSV records from byte `start` on, streamed: csv-parse pulls chunks only as fast as records are
 * consumed. A line with the wrong number of fields or broken quoting is yielded as an error
 * with its raw text; parsing goes on with the next line.
 */
export async function* csvRecords(open: OpenAt, header: readonly string[], delimiter: string, start: bigint): AsyncGenerator<FileRecord> {
  const input = await open(start);
  const parser = input.pipe(
    // relax_quotes keeps a stray quote inside a field from swallowing the rest of the file;
    // what still fails (an unclosed quote at the end) is reported with its raw text.
    parse({ delimiter, info: true, raw: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true }),
  );
  const skipped: FileRecord[] = [];
  parser.on('skip', (error: Error & { raw?: string; bytes_records?: number }) => {
    const raw = error.raw ?? '';
    const from = start + BigInt(error.bytes_records ?? 0);
    skipped.push({ error: `malformed CSV: ${error.message}`, raw, start: from, end: from + BigInt(Buffer.byteLength(raw)) });
  });
  // Skip events may run ahead of the records still buffered for this loop: each is released
  // just before the first record that follows it in the file.
  const precedingSkips = function* (end: bigint | null): Generator<FileRecord> {
    while (skipped.length > 0 && (end === null || skipped[0]!.end <= end)) yield skipped.shift()!;
  };
  let previous = start;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { bytes: number }; raw: string }>) {
      const end = start + BigInt(item.info.bytes);
      yield* precedingSkips(end);
      if (item.record.length !== header.length) {
        yield { error: `expected ${header.length} fields, found ${item.record.length}`, raw: item.raw, start: previous, end };
      } else {
        yield { fields: Object.fromEntries(header.map((name, index) => [name, item.record[index]])), end };
      }
      previous = end;
    }
    yield* precedingSkips(null);
  } finally {
    // pipe() does not close its source when the consumer stops early (an aborted scan).
    input.destroy();
  }
}

/**
 * NDJSON records from byte `start` on: lines split on `\n` over raw chunks, so offsets are exact
 * bytes whatever the encoding, and one line at most is buffered beyond the current chunk.
 */
export async function* ndjsonRecords(open: OpenAt, start: bigint): AsyncGenerator<FileRecord> {
  let carry = Buffer.alloc(0);
  let lineStart = start;
  const parseLine = (line: Buffer, end: bigint): FileRecord | null => {
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return null;
    try {
      const value: unknown = parseJsonText(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return { error: 'expected a JSON object per line', raw: text, start: lineStart, end };
      }
      return { fields: value as Record<string, unknown>, end };
    } catch (error) {
      return { error: `malformed JSON: ${(error as Error).message}`, raw: text, start: lineStart, end };
    }
  };
  const input = await open(start);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10)) {
      const end = lineStart + BigInt(newline + 1);
      const record = parseLine(buffer.subarray(0, newline), end);
      if (record) yield record;
      lineStart = end;
      buffer = buffer.subarray(newline + 1);
    }
    carry = Buffer.from(buffer);
  }
  if (carry.length > 0) {
    const record = parseLine(carry, lineStart + BigInt(carry.length));
    if (record) yield record;
  }
}
