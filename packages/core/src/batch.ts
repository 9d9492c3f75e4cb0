/** One source row as the source printed it: text values, `null` for SQL NULL. */
export type BatchRow = (string | null)[];

/**
 * What travels through the queue. A batch covers the half-open keyset range `(lo, hi]`;
 * `lo` and `hi` are encoded keysets (see keyset.ts), `lo = null` means "from the beginning".
 * Rows are arrays in `columns` order: ~35% smaller in Redis than objects.
 */
export interface BatchPayload {
  readonly v: 1;
  readonly pipeline: string;
  readonly batchId: string;
  readonly scanId: string;
  readonly seq: number;
  readonly lo: string | null;
  readonly hi: string;
  readonly contentHash: string;
  readonly columns: readonly string[];
  readonly rows: readonly BatchRow[];
}

/** What a worker reports for a batch; summed into run summaries. */
export interface BatchOutcome {
  readonly extracted: number;
  readonly loaded: number;
  readonly unchanged: number;
  readonly quarantined: number;
  /** True when the ledger already held this batch: a retry, replay or twin did nothing. */
  readonly duplicate: boolean;
}

export function isBatchPayload(value: unknown): value is BatchPayload {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<BatchPayload>;
  return (
    candidate.v === 1 &&
    typeof candidate.pipeline === 'string' &&
    typeof candidate.batchId === 'string' &&
    typeof candidate.hi === 'string' &&
    (candidate.lo === null || typeof candidate.lo === 'string') &&
    Array.isArray(candidate.columns) &&
    Array.isArray(candidate.rows)
  );
}

/** The outcome of a batch that was written: every extracted row was loaded, unchanged or quarantined. */
export function writtenOutcome(extracted: number, loaded: number, quarantined: number): BatchOutcome {
  return { extracted, loaded, unchanged: extracted - loaded - quarantined, quarantined, duplicate: false };
}
