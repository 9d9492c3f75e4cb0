import type { Logger } from 'pino';
import { SyncfleetError, isBatchPayload, type BatchOutcome, type ResolvedPipeline } from '@syncfleet/core';
import { requestCheckpoint, type FleetResources, type WriteBatchHooks } from '@syncfleet/connectors';
import type { BatchTargets } from './batch-target.ts';
import { writeTransformed } from './transform-batch.ts';

export interface ProcessBatchContext {
  readonly fleet: FleetResources;
  readonly targets: BatchTargets;
  readonly logger: Logger;
  readonly hooks?: WriteBatchHooks;
  /** Told how long the batch's transaction and its checkpoint took (for the duration histogram). */
  readonly onTimings?: (timings: BatchTimings) => void;
}

export interface BatchTimings {
  readonly loadMs: number;
  readonly checkpointMs: number;
}

/** Validates a job's payload, writes the batch in one transaction, then advances the checkpoint. */
export async function processBatch(context: ProcessBatchContext, pipeline: ResolvedPipeline, data: unknown): Promise<BatchOutcome> {
  if (!isBatchPayload(data) || data.pipeline !== pipeline.name) {
    throw new SyncfleetError('BATCH_INVALID', `job payload is not a ${pipeline.name} batch`, {
      hint: 'the job was not enqueued by a Syncfleet producer of this version; remove it from the queue',
    });
  }
  const sink = await context.targets.get(pipeline);
  const startedAt = performance.now();
  const outcome =
    pipeline.transform === undefined
      ? await sink.write(data, context.hooks)
      : await writeTransformed(sink, await context.targets.transform(pipeline.transform), pipeline, data, context.hooks);
  const loadedAt = performance.now();
  const advance = await requestCheckpoint(context.fleet, pipeline);
  const timings: BatchTimings = { loadMs: loadedAt - startedAt, checkpointMs: performance.now() - loadedAt };
  context.onTimings?.(timings);
  context.logger.info(
    {
      ...outcome,
      seq: data.seq,
      loadMs: Math.round(timings.loadMs),
      checkpointMs: Math.round(timings.checkpointMs),
      watermarkAdvanced: advance.advanced,
      checkpointHandedOff: advance.handedOff,
    },
    outcome.duplicate ? 'batch already committed' : 'batch committed',
  );
  return outcome;
}
