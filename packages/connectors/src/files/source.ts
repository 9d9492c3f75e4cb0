import { resolve } from 'node:path';
import { type BatchRow, type FilesSourceConfig, type RejectedRow } from '@syncfleet/core';
import type { ScanRequest, SourceConnector, SourceDescription, SourcePage } from '../connector.ts';
import { textOfJson } from '../json-text.ts';
import { comparePositions, keysetOf, listDroppedFiles, positionOf, type DroppedFile, type FilePosition } from './directory-listing.ts';
import { csvRecords, ndjsonRecords, readCsvHeader, type FileRecord } from './file-records.ts';

/**
 * CSV or NDJSON files in a local directory as a source. Each file is a unit of work identified
 * by (modification time, name, size) and read once, from the byte after the last committed
 * batch: the keyset is `[mtimeNs, name, size, offset]` (directory-listing.ts). A file whose
 * content changes gets a new identity and is read again (the sink makes that idempotent).
 *
 * Files younger than `lag` wait for a later scan, so a file still being written is not read
 * half-way. A file must arrive with a fresh modification time: one moved in with an mtime older
 * than the watermark is never seen (`touch` it).
 */
export function createFilesSource(config: FilesSourceConfig): SourceConnector {
  const directory = resolve(config.path);
  return createDropSource('files', () => listDroppedFiles(directory, config.pattern), config);
}

/** What a drop source needs to know to read its files. */
export interface DropFormat {
  readonly format: 'csv' | 'ndjson';
  readonly delimiter: string;
  readonly columns: readonly string[];
}

/**
 * A source over a set of dropped files, wherever they are listed from (a directory, an S3
 * prefix): each file once, in (mtime, name, size) order, from the byte after the last batch.
 */
export function createDropSource(kind: string, list: () => Promise<DroppedFile[]>, format: DropFormat): SourceConnector {
  return {
    kind,
    dialect: 'files',
    async describe(): Promise<SourceDescription> {
      return {
        dialect: 'files',
        columns: format.columns.map((name) => ({ name, type: 'text', logical: 'text' })),
        keysetTypes: ['mtime_ns', 'name', 'size', 'offset'],
      };
    },
    async cursorBound(_description, lagMs) {
      return String(BigInt(Date.now()) * 1_000_000n - BigInt(Math.round(lagMs)) * 1_000_000n);
    },
    scan: (_description, request) => scanFiles(list, format, request),
    async orderKeysets(keysets) {
      return [...new Set(keysets)].sort((a, b) => comparePositions(positionOf(JSON.parse(a) as string[]), positionOf(JSON.parse(b) as string[])));
    },
  };
}

async function* scanFiles(list: () => Promise<DroppedFile[]>, config: DropFormat, request: ScanRequest): AsyncGenerator<SourcePage> {
  const after: FilePosition | null = request.after ? positionOf(request.after) : null;
  const bound = request.cursorBound === null ? null : BigInt(request.cursorBound);
  for (const file of await list()) {
    if (bound !== null && file.mtimeNs > bound) return;
    let start = 0n;
    if (after !== null) {
      const order = comparePositions([file.mtimeNs, file.name, file.size, 0n], [after[0], after[1], after[2], 0n]);
      if (order < 0) continue;
      if (order === 0) start = after[3];
    }
    if (start >= file.size) continue;
    let records: AsyncGenerator<FileRecord>;
    if (config.format === 'csv') {
      const header = await readCsvHeader(file.open, file.name, config.delimiter, config.columns);
      records = csvRecords(file.open, header.names, config.delimiter, start > header.end ? start : header.end);
    } else {
      records = ndjsonRecords(file.open, start);
    }
    let rows: BatchRow[] = [];
    let rejected: RejectedRow[] = [];
    let end = start;
    for await (const record of records) {
      end = record.end;
      if ('error' in record) {
        rejected.push({ payload: { file: file.name, offset: String(record.start), raw: record.raw }, key: [file.name, String(record.start)], error: record.error, code: 'FILE_LINE' });
      } else {
        rows.push(config.columns.map((column) => textOfJson(record.fields[column])));
      }
      if (rows.length >= request.batchSize) {
        yield { rows, rejected, hi: keysetOf([file.mtimeNs, file.name, file.size, end]) };
        rows = [];
        rejected = [];
      }
    }
    // The file's last page ends at its size, which marks it done even if its tail was blank.
    if (rows.length > 0 || rejected.length > 0 || end < file.size) {
      yield { rows, rejected, hi: keysetOf([file.mtimeNs, file.name, file.size, file.size]) };
    }
  }
}
