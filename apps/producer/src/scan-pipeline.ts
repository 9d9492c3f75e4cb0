import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  batchIdOf,
  decodeKeyset,
  encodeKeyset,
  hashRows,
  type BatchPayload,
  type ResolvedPipeline,
} from '@syncfleet/core';
import {
  RedisLock,
  checkpointPipeline,
  batchJobOptions,
  frontierKey,
  keysetAfter,
  pendingJobCount,
  scanLockKey,
  type FleetResources,
} from '@syncfleet/connectors';

export interface ScanHooks {
  /** Fault injection for crash tests: runs after each batch is enqueued, before the next page. */
  readonly afterEnqueue?: (seq: number) => void | Promise<void>;
}

export interface ScanOptions {
  readonly logger: Logger;
  readonly hooks?: ScanHooks;
  readonly signal?: AbortSignal;
  /** Told of each page read from the source (for the metrics). */
  readonly onPage?: (page: PageRead) => void;
  /** Runs once the scan lock is held, before anything is read (the producer opens its run record). */
  readonly onScanStart?: () => Promise<void>;
}

export interface PageRead {
  readonly rows: number;
  /** Input on the page that was not a row (quarantined by the scan). */
  readonly rejected: number;
  /** How long the page query took. */
  readonly extractMs: number;
}

export type ScanResult =
  | { readonly status: 'locked' }
  | {
      readonly status: 'scanned';
      readonly scanId: string;
      readonly batches: number;
      readonly rows: number;
      /** Source input that was not a row (a malformed line), quarantined by the scan itself. */
      readonly rejected: number;
      readonly from: string | null;
      readonly to: string | null;
      readonly jobIds: string[];
    };

/**
 * One scan of a pipeline's source: from where enqueueing stopped (the frontier) or, when no
 * batch is in flight, from the committed watermark, up to `now() − lag`; every page becomes a
 * job keyed by its batch id. A per-pipeline Redis lock keeps a second producer out.
 *
 * The frontier is only an optimisation for a busy fleet: it is trusted only while batches are
 * still pending, because then every range between the watermark and the frontier is in a job.
 * Once the queue is idle, the scan restarts at the watermark, so a lost frontier, a wiped Redis
 * or a purged job costs re-work (idempotent upserts), never rows.
 */
export async function scanPipeline(fleet: FleetResources, pipeline: ResolvedPipeline, options: ScanOptions): Promise<ScanResult> {
  const lock = await RedisLock.tryAcquire(fleet.redis, scanLockKey(fleet.prefix, pipeline.name), fleet.config.producer.scanLockTtl);
  if (!lock) return { status: 'locked' };
  const log = options.logger.child({ pipeline: pipeline.name });
  try {
    await options.onScanStart?.();
    const source = await fleet.connectors.source(pipeline);
    const sink = await fleet.connectors.sink(pipeline);
    const description = await source.describe();
    const types = description.keysetTypes;
    await sink.prepare({ description, key: pipeline.source.key, create: pipeline.transform === undefined });
    await sink.bookkeeping.ensureWatermark(pipeline.name, types);

    for (const warning of (await source.diagnose?.(description)) ?? []) log.warn(warning);

    // Chain what workers committed but left unchained (a checkpoint holder that died), so the
    // scan starts from the furthest committed position.
    await checkpointPipeline(fleet, pipeline);
    const state = await sink.bookkeeping.readWatermark(pipeline.name);
    if (state === null) throw new Error(`no watermark row for ${pipeline.name} after ensureWatermark`);
    const watermark = state.keyset;
    const queue = fleet.queue(pipeline.name);
    const frontier = await fleet.redis.get(frontierKey(fleet.prefix, pipeline.name));
    let start = watermark;
    if (frontier !== null && (await pendingJobCount(queue)) > 0 && (await keysetAfter(source, frontier, watermark, types))) {
      start = frontier;
    }

    const bound = await source.cursorBound(description, pipeline.lag);
    const scanId = randomUUID();
    const columnNames = description.columns.map((column) => column.name);
    const jobIds: string[] = [];
    let lo = start;
    let seq = 0;
    let rows = 0;
    let rejected = 0;
    log.debug({ from: start, bound, scanId }, 'scan started');

    // The generator runs the page query between iterations: the time from asking for a page
    // to getting it is the extract time.
    let pageRequestedAt = performance.now();
    for await (const page of source.scan(description, { batchSize: pipeline.batchSize, after: decodeKeyset(start), cursorBound: bound })) {
      if (options.signal?.aborted) break;
      options.onPage?.({ rows: page.rows.length, rejected: page.rejected?.length ?? 0, extractMs: performance.now() - pageRequestedAt });
      const hi = encodeKeyset(page.hi)!;
      const contentHash = hashRows(page.rows);
      const batchId = batchIdOf(pipeline.name, state.epoch, lo, hi, contentHash);
      const payload: BatchPayload = {
        v: 1,
        pipeline: pipeline.name,
        batchId,
        scanId,
        seq,
        lo,
        hi,
        contentHash,
        columns: columnNames,
        rows: page.rows,
      };
      // Input the source could not read as rows is quarantined here, under this batch's id
      // (idempotent per row key), before the batch that moves the keyset past it is queued.
      if (page.rejected && page.rejected.length > 0) {
        await sink.bookkeeping.recordQuarantine(payload, page.rejected);
        rejected += page.rejected.length;
        log.warn({ rejected: page.rejected.length, hi }, 'source input quarantined');
      }
      await waitForRoom(fleet, queue, lock, options);
      // An id that exists in any state makes this a no-op: the re-enqueue of an unchanged batch.
      await queue.add('batch', payload, batchJobOptions(pipeline, batchId));
      jobIds.push(batchId);
      // The frontier only moves forward after the job exists: a crash in between re-scans the page.
      await fleet.redis.set(frontierKey(fleet.prefix, pipeline.name), hi);
      await lock.extend();
      await options.hooks?.afterEnqueue?.(seq);
      rows += page.rows.length;
      seq += 1;
      lo = hi;
      pageRequestedAt = performance.now();
    }
    log.info({ batches: seq, rows, rejected, from: start, to: lo }, 'scan finished');
    return { status: 'scanned', scanId, batches: seq, rows, rejected, from: start, to: lo, jobIds };
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function waitForRoom(fleet: FleetResources, queue: ReturnType<FleetResources['queue']>, lock: RedisLock, options: ScanOptions): Promise<void> {
  const limit = fleet.config.producer.maxPendingBatches;
  for (let pause = 50; (await pendingJobCount(queue)) >= limit; pause = Math.min(pause * 2, 1000)) {
    if (options.signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, pause));
    await lock.extend(); // a scan held up by a slow fleet is still alive
  }
}
