import type {
  BatchOutcome,
  BatchPayload,
  BatchRow,
  Keyset,
  RejectedRow,
  ResolvedPipeline,
  RunCounters,
} from '@syncfleet/core';
import type { AdvanceResult, WatermarkState } from './postgres/checkpoint-sql.ts';
import type { RunRecord } from './postgres/runs-sql.ts';
import type { WriteBatchHooks } from './postgres/write-batch.ts';
import type { PoolRegistry } from './postgres/pool-registry.ts';
import type { MysqlPoolRegistry } from './mysql/pool-registry.ts';

/**
 * The connector contract. A source hands out pages of rows in keyset order `(cursor, key…)`; a
 * sink writes one page idempotently and keeps the pipeline's bookkeeping (ledger, watermark,
 * quarantine, runs). Everything in between (queueing, hashing, chaining ledger entries) is the
 * engine's and the same for every pair of systems.
 *
 * Values travel as text, `null` for NULL, in the source's own printed form, so nothing is
 * rounded on the way (see DESIGN.md). Ordering keysets is always the source's job: it owns the
 * types and collations, and JavaScript would compare timestamps and numbers as strings.
 */

/**
 * A column type named in a system-neutral way, so a sink of another kind can create the table:
 * `int16 int32 int64 uint64 decimal(p,s) decimal float32 float64 boolean text varchar(n)
 * json date time timestamp(p) timestamptz(p) bytes uuid`.
 */
export type LogicalType = string;

export interface SourceColumn {
  readonly name: string;
  /** The type as the source system names it: `timestamp with time zone`, `datetime(6)`. */
  readonly type: string;
  readonly logical: LogicalType;
}

export interface SourceDescription {
  /** Whose type names `columns[].type` and `keysetTypes` are: `postgres`, `mysql`, a module's. */
  readonly dialect: string;
  readonly columns: readonly SourceColumn[];
  /** Native types of the cursor and key columns, in keyset order; stored with the watermark. */
  readonly keysetTypes: readonly string[];
}

export interface ScanRequest {
  /** Rows strictly after this keyset; `null` from the beginning. */
  readonly after: Keyset | null;
  /** Inclusive upper bound on the cursor (text form), or `null` for none. */
  readonly cursorBound: string | null;
  readonly batchSize: number;
}

export interface SourcePage {
  /** Rows in `description.columns` order. */
  readonly rows: BatchRow[];
  /** The keyset of the page's last row: the batch's `hi`. */
  readonly hi: Keyset;
  /**
   * Input the source could not read as a row (a malformed CSV line): the engine quarantines it
   * with the batch, and the keyset moves past it. A page may hold only rejected input.
   */
  readonly rejected?: readonly RejectedRow[];
}

/** Orders encoded keysets in the source's own types; the checkpoint's only comparison. */
export interface KeysetOrder {
  readonly dialect: string;
  /** The distinct encoded keysets, ascending. */
  orderKeysets(keysets: readonly string[], keysetTypes: readonly string[]): Promise<string[]>;
}

export interface SourceConnector extends KeysetOrder {
  readonly kind: string;
  describe(): Promise<SourceDescription>;
  /** `now − lag` on the source's clock in the cursor's type, or `null` where "late" means nothing. */
  cursorBound(description: SourceDescription, lagMs: number): Promise<string | null>;
  /** Pages of at most `batchSize` rows, each fetched on demand (bounded memory). */
  scan(description: SourceDescription, request: ScanRequest): AsyncIterable<SourcePage>;
  /** Operator warnings found at scan start, e.g. rows with a NULL cursor that are never synced. */
  diagnose?(description: SourceDescription): Promise<string[]>;
  close?(): Promise<void>;
}

/** A row that could not be loaded; the quarantine keeps its raw payload and the reason. */
export type QuarantinedRow = RejectedRow;

/**
 * Where a pipeline's ledger, watermark, quarantine and run history live. A database sink keeps
 * them beside the data, so a batch and its ledger entry commit together; a sink without
 * transactions (HTTP, a module) keeps them in a configured PostgreSQL `state` database and
 * relies on idempotency keys instead.
 */
export interface Bookkeeping {
  ensureWatermark(pipeline: string, keysetTypes: readonly string[]): Promise<void>;
  readWatermark(pipeline: string): Promise<WatermarkState | null>;
  /** A dead-lettered batch the chain may pass (`onDeadLetter: skip`). */
  recordSkipped(payload: BatchPayload): Promise<void>;
  /** Idempotent per (pipeline, batch, row key). */
  recordQuarantine(payload: BatchPayload, rows: readonly QuarantinedRow[]): Promise<void>;
  advanceWatermark(pipeline: string, order: KeysetOrder): Promise<AdvanceResult>;
  openRun(pipeline: string, kind: 'run' | 'scan'): Promise<string>;
  closeRun(id: string, counters: RunCounters, outcome: 'succeeded' | 'failed', error: string | null): Promise<void>;
  recentRuns(pipeline: string, limit: number): Promise<RunRecord[]>;
}

export interface PrepareOptions {
  /** The source's description; the sink creates its table from it when missing. */
  readonly description: SourceDescription;
  readonly key: readonly string[];
  /**
   * False when a transform reshapes rows: the sink cannot know the output columns, so the
   * table must exist and only the key is checked.
   */
  readonly create: boolean;
}

export interface SinkConnector {
  readonly kind: string;
  readonly bookkeeping: Bookkeeping;
  prepare(options: PrepareOptions): Promise<void>;
  /**
   * Writes one batch with its ledger entry, exactly once in effect: in one transaction, or with
   * idempotency keys where there are none. A batch already in the ledger is reported with
   * `duplicate: true` and writes nothing. Rows the destination rejects one by one go to the
   * quarantine; anything else throws for the worker to classify.
   */
  write(payload: BatchPayload, hooks?: WriteBatchHooks): Promise<BatchOutcome>;
  close?(): Promise<void>;
}

/** What a connector factory gets: its pipeline and the process's shared connection pools. */
export interface ConnectorContext {
  readonly pipeline: ResolvedPipeline;
  readonly postgres: PoolRegistry;
  readonly mysql: MysqlPoolRegistry;
}

/** Is encoded keyset `a` strictly after `b` (`null` = before everything), in the source's order? */
export async function keysetAfter(order: KeysetOrder, a: string, b: string | null, keysetTypes: readonly string[]): Promise<boolean> {
  if (b === null) return true;
  if (a === b) return false;
  const ordered = await order.orderKeysets([a, b], keysetTypes);
  return ordered[ordered.length - 1] === a;
}
