import { addSourceRejects, emptyCounters, maskCredentials, type ResolvedPipeline, type RunCounters } from '@syncfleet/core';
import type { Bookkeeping, FleetResources } from '@syncfleet/connectors';
import type { Logger } from 'pino';
import { scanPipeline, type ScanOptions, type ScanResult } from './scan-pipeline.ts';

/**
 * A producer scan with its row in the sink's run history (`syncfleet.runs`, kind `scan`):
 * opened once the scan lock is held, closed with its counts and outcome, so `syncfleet status`
 * shows when the source was last read and what it yielded. A scan that found the lock held did
 * nothing and leaves no row. Failing to close the row is logged, never turned into a failed scan.
 */
export async function recordedScan(fleet: FleetResources, pipeline: ResolvedPipeline, options: ScanOptions): Promise<ScanResult> {
  const record: { bookkeeping?: Bookkeeping; id?: string } = {};
  const onScanStart = async () => {
    await options.onScanStart?.();
    record.bookkeeping = (await fleet.connectors.sink(pipeline)).bookkeeping;
    record.id = await record.bookkeeping.openRun(pipeline.name, 'scan');
  };
  const log = options.logger.child({ pipeline: pipeline.name });
  let result: ScanResult;
  try {
    result = await scanPipeline(fleet, pipeline, { ...options, onScanStart });
  } catch (error) {
    const message = maskCredentials(error instanceof Error ? error.message : String(error));
    await closeRecord(record, emptyCounters(), 'failed', message, log);
    throw error;
  }
  if (result.status === 'scanned') {
    const counters = { ...emptyCounters(), extracted: result.rows, batches: result.batches };
    addSourceRejects(counters, result.rejected);
    await closeRecord(record, counters, 'succeeded', null, log);
  }
  return result;
}

async function closeRecord(
  record: { bookkeeping?: Bookkeeping; id?: string },
  counters: RunCounters,
  outcome: 'succeeded' | 'failed',
  error: string | null,
  log: Logger,
): Promise<void> {
  if (!record.bookkeeping || record.id === undefined) return;
  await record.bookkeeping.closeRun(record.id, counters, outcome, error).catch((cause: unknown) => log.warn({ err: cause }, 'could not record the scan'));
}
