import { emptyCounters, maskCredentials, type ResolvedPipeline } from '@syncfleet/core';
import { closeRun, discardRun, openRun, type FleetResources } from '@syncfleet/connectors';
import { scanPipeline, type ScanOptions, type ScanResult } from './scan-pipeline.ts';

/**
 * A producer scan with its row in `syncfleet.runs` (kind `scan`): opened before the scan,
 * closed with its counts and outcome, so `syncfleet status` shows when the source was last
 * read and what it yielded. A scan that found the lock held did nothing and leaves no row.
 * Failing to close the row is logged, never turned into a failed scan.
 */
export async function recordedScan(fleet: FleetResources, pipeline: ResolvedPipeline, options: ScanOptions): Promise<ScanResult> {
  const { destination } = pipeline;
  if (destination.kind !== 'postgres') return scanPipeline(fleet, pipeline, options);
  const pool = await fleet.pools.destination(destination.url);
  const runId = await openRun(pool, pipeline.name, 'scan');
  const log = options.logger.child({ pipeline: pipeline.name });
  let result: ScanResult;
  try {
    result = await scanPipeline(fleet, pipeline, options);
  } catch (error) {
    const message = maskCredentials(error instanceof Error ? error.message : String(error));
    await closeRun(pool, runId, emptyCounters(), 'failed', message).catch((cause: unknown) => log.warn({ err: cause }, 'could not record the scan'));
    throw error;
  }
  if (result.status === 'locked') {
    await discardRun(pool, runId).catch((cause: unknown) => log.warn({ err: cause }, 'could not discard the scan record'));
  } else {
    const counters = { ...emptyCounters(), extracted: result.rows, batches: result.batches };
    await closeRun(pool, runId, counters, 'succeeded', null).catch((cause: unknown) => log.warn({ err: cause }, 'could not record the scan'));
  }
  return result;
}
