import type { BatchOutcome } from '@syncfleet/core';
import type { PrepareOptions, SinkConnector } from './connector.ts';
import type { PostgresBookkeeping } from './postgres/bookkeeping.ts';

/**
 * What a sink without transactions implements (an HTTP API, a user's module): write one batch,
 * idempotently per `idempotencyKey`.
 */
export interface ModuleSinkBatch {
  /** Stable across retries and redeliveries of this batch: derived from its range and content hash. */
  readonly idempotencyKey: string;
  readonly columns: readonly string[];
  /** Rows by column name, values in the source's text form (`null` for NULL). */
  readonly records: readonly Readonly<Record<string, string | null>>[];
  readonly payload: import('@syncfleet/core').BatchPayload;
}

export interface ModuleSinkWriter {
  prepare?(options: PrepareOptions): Promise<void>;
  write(batch: ModuleSinkBatch): Promise<{ readonly loaded: number; readonly unchanged?: number }>;
  close?(): Promise<void>;
}

/**
 * A sink whose ledger lives in a PostgreSQL `state` database: a batch the ledger holds is
 * skipped, otherwise written and then recorded. A crash between the write and the record
 * repeats the write with the same idempotency key, which the writer must make harmless; the
 * watermark only moves over recorded batches, so no row is ever skipped.
 */
export function sinkWithStateLedger(kind: string, writer: ModuleSinkWriter, bookkeeping: PostgresBookkeeping): SinkConnector {
  return {
    kind,
    bookkeeping,
    prepare: async (options) => writer.prepare?.(options),
    async write(payload): Promise<BatchOutcome> {
      if (await bookkeeping.hasLedgerEntry(payload.pipeline, payload.batchId)) {
        return { extracted: payload.rows.length, loaded: 0, unchanged: 0, quarantined: 0, duplicate: true };
      }
      const records = payload.rows.map((row) => Object.fromEntries(payload.columns.map((column, index) => [column, row[index] ?? null])));
      const written = await writer.write({ idempotencyKey: payload.batchId, columns: payload.columns, records, payload });
      const outcome = {
        extracted: payload.rows.length,
        loaded: written.loaded,
        unchanged: written.unchanged ?? Math.max(0, payload.rows.length - written.loaded),
        quarantined: 0,
        duplicate: false,
      };
      await bookkeeping.recordCommitted(payload, outcome);
      return outcome;
    },
    close: async () => writer.close?.(),
  };
}
