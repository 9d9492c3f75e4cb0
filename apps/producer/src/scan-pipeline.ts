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
  batchJobOptions,
  countNullCursorRows,
  cursorBoundFor,
  describeSource,
  ensureDestinationTable,
  ensureWatermarkRow,
  frontierKey,
  keysetIsAfter,
  keysetScan,
  keysetTypes,
  pendingJobCount,
  readWatermark,
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
}

export type ScanResult =
  | { readonly status: 'locked' }
  | {
      readonly status: 'scanned';
      readonly scanId: string;
      readonly batches: number;
      readonly rows: number;
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
    const sourcePool = fleet.pools.get(pipeline.source.url);
    const destinationPool = await fleet.pools.destination(pipeline.destination.url);
    const columns = await describeSource(sourcePool, pipeline.source);
    const types = keysetTypes(pipeline.source, columns);
    await ensureDestinationTable(destinationPool, pipeline.destination.table, columns, pipeline.source.key);
    await ensureWatermarkRow(destinationPool, pipeline.name, types);

    const nullCursors = await countNullCursorRows(sourcePool, pipeline.source);
    if (nullCursors > 0) {
      log.warn(
        { rows: nullCursors },
        `source rows with NULL ${pipeline.source.cursor} are never synced — make the cursor column NOT NULL or backfill it`,
      );
    }

    const watermark = (await readWatermark(destinationPool, pipeline.name))?.keyset ?? null;
    const queue = fleet.queue(pipeline.name);
    const frontier = await fleet.redis.get(frontierKey(fleet.prefix, pipeline.name));
    let start = watermark;
    if (frontier !== null && (await pendingJobCount(queue)) > 0 && (await keysetIsAfter(sourcePool, frontier, watermark, types))) {
      start = frontier;
    }

    const bound = await cursorBoundFor(sourcePool, types[0]!, pipeline.lag);
    const scanId = randomUUID();
    const columnNames = columns.map((column) => column.name);
    const jobIds: string[] = [];
    let lo = start;
    let seq = 0;
    let rows = 0;
    log.debug({ from: start, bound, scanId }, 'scan started');

    for await (const page of keysetScan(sourcePool, {
      source: pipeline.source,
      columns,
      batchSize: pipeline.batchSize,
      after: decodeKeyset(start),
      cursorBound: bound,
    })) {
      if (options.signal?.aborted) break;
      const hi = encodeKeyset(page.hi)!;
      const contentHash = hashRows(page.rows);
      const batchId = batchIdOf(pipeline.name, lo, hi, contentHash);
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
    }
    log.info({ batches: seq, rows, from: start, to: lo }, 'scan finished');
    return { status: 'scanned', scanId, batches: seq, rows, from: start, to: lo, jobIds };
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
