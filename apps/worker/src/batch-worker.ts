import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import {
  classifyFailure,
  describeConnectionError,
  isConnectionError,
  fullJitterDelay,
  isBatchPayload,
  type BatchOutcome,
  type BatchPayload,
  type ResolvedPipeline,
} from '@syncfleet/core';
import {
  BACKOFF_STRATEGY,
  batchQueueName,
  deadLetterEntryOf,
  type FleetResources,
  type WriteBatchHooks,
  checkpointPipeline,
} from '@syncfleet/connectors';
import { BatchTargets } from './batch-target.ts';
import { processBatch, type BatchTimings } from './process-batch.ts';

export interface BatchWorkerEvents {
  readonly onOutcome?: (pipeline: string, outcome: BatchOutcome) => void;
  readonly onRetry?: (pipeline: string, error: unknown) => void;
  readonly onDeadLetter?: (pipeline: string, error: unknown) => void;
  readonly onTimings?: (pipeline: string, timings: BatchTimings) => void;
}

export interface BatchWorkerOptions extends BatchWorkerEvents {
  readonly fleet: FleetResources;
  readonly pipelines: readonly ResolvedPipeline[];
  readonly concurrency: number;
  readonly logger: Logger;
  readonly hooks?: WriteBatchHooks;
}

/**
 * The fleet's consumers: one BullMQ worker per pipeline queue, each running `concurrency`
 * batches at once. A failure is classified: retryable ones go back with full-jitter backoff,
 * fatal ones and the last attempt go to the dead-letter queue. With `onDeadLetter: skip` the
 * ledger records the batch as skipped so the watermark may pass it; with `block` it may not.
 */
export class BatchWorkers {
  private readonly workers: Worker<BatchPayload, BatchOutcome, string>[];
  private readonly targets: BatchTargets;
  private closing: Promise<void> | undefined;

  private readonly options: BatchWorkerOptions;

  constructor(options: BatchWorkerOptions) {
    this.options = options;
    this.targets = new BatchTargets(options.fleet);
    this.workers = options.pipelines.map((pipeline) => this.createWorker(pipeline));
  }

  private createWorker(pipeline: ResolvedPipeline): Worker<BatchPayload, BatchOutcome, string> {
    const { fleet, logger } = this.options;
    const worker = new Worker<BatchPayload, BatchOutcome, string>(
      batchQueueName(pipeline.name),
      (job, token) => this.run(pipeline, job, token),
      {
        connection: fleet.redis,
        prefix: fleet.prefix,
        concurrency: this.options.concurrency,
        // A batch holds a transaction for seconds at most; a worker that stops renewing its
        // lock for lockDuration is dead, and its job goes to another worker.
        lockDuration: fleet.config.worker.lockDuration,
        stalledInterval: fleet.config.worker.lockDuration,
        maxStalledCount: 5,
        settings: {
          backoffStrategy: (attemptsMade: number) => fullJitterDelay(attemptsMade, pipeline.retry),
        },
      },
    );
    worker.on('error', (error) => {
      // Redis being unreachable is reported once per outage by FleetResources; BullMQ would
      // otherwise repeat it here on every reconnection attempt.
      if (isConnectionError(error)) return;
      logger.error({ err: error, pipeline: pipeline.name }, 'queue error');
    });
    return worker;
  }

  private async run(pipeline: ResolvedPipeline, job: Job<BatchPayload, BatchOutcome, string>, token: string | undefined): Promise<BatchOutcome> {
    const attempt = job.attemptsMade + 1;
    const logger = this.options.logger.child({ pipeline: pipeline.name, batch: job.data?.batchId, job: job.id, attempt });
    try {
      const onTimings = this.options.onTimings && ((timings: BatchTimings) => this.options.onTimings!(pipeline.name, timings));
      const outcome = await processBatch({ fleet: this.options.fleet, targets: this.targets, logger, hooks: this.options.hooks, onTimings }, pipeline, job.data);
      this.options.onOutcome?.(pipeline.name, outcome);
      return outcome;
    } catch (error) {
      if (isConnectionError(error) && token !== undefined) {
        // An unreachable database or Redis is not the batch's fault: wait the outage out with
        // backoff without spending the batch's attempts, so a long outage delays batches
        // instead of dead-lettering them (the lag and no-progress alerts tell the operator).
        const delay = Math.max(100, fullJitterDelay(job.attemptsStarted, pipeline.retry));
        logger.debug({ reason: describeConnectionError(error), delayMs: delay }, 'batch failed: service unreachable, will retry');
        this.options.onRetry?.(pipeline.name, error);
        await job.moveToDelayed(Date.now() + delay, token);
        throw new DelayedError();
      }
      const fatal = classifyFailure(error) === 'fatal';
      const attempts = job.opts.attempts ?? 1;
      if (!fatal && attempt < attempts) {
        logger.warn({ err: error, nextAttempt: attempt + 1 }, 'batch failed, will retry');
        this.options.onRetry?.(pipeline.name, error);
        throw error;
      }
      await this.deadLetter(pipeline, job, error, attempt, logger);
      this.options.onDeadLetter?.(pipeline.name, error);
      throw fatal ? new UnrecoverableError(messageOf(error)) : error;
    }
  }

  private async deadLetter(
    pipeline: ResolvedPipeline,
    job: Job<BatchPayload, BatchOutcome, string>,
    error: unknown,
    attempts: number,
    logger: Logger,
  ): Promise<void> {
    if (!isBatchPayload(job.data)) {
      logger.error({ err: error }, 'malformed job failed; not dead-lettered');
      return;
    }
    const entry = deadLetterEntryOf(job.data, error, attempts, pipeline.onDeadLetter);
    // Keyed by the failed job's id, not the batch id: a replay (a fresh job id) that dies again
    // gets an entry of its own instead of colliding with the one being replayed.
    await this.options.fleet.deadLetterQueue().add('dead-batch', entry, { jobId: job.id ?? job.data.batchId });
    logger.error({ err: error, policy: pipeline.onDeadLetter }, 'batch dead-lettered');
    if (pipeline.onDeadLetter === 'skip') {
      const sink = await this.options.fleet.connectors.sink(pipeline);
      await sink.bookkeeping.recordSkipped(job.data);
      await checkpointPipeline(this.options.fleet, pipeline);
    }
  }

  /** Resolves when every worker is connected and waiting for jobs. */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  /**
   * Stops taking jobs and lets in-flight batches commit. Past `drainTimeoutMs` the remaining
   * ones are abandoned uncommitted (their transactions roll back when their connections
   * close or the process exits) and BullMQ hands them to another worker once their locks expire.
   */
  close(drainTimeoutMs = 30_000): Promise<void> {
    this.closing ??= (async () => {
      const graceful = Promise.all(this.workers.map((worker) => worker.close()));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
      });
      const result = await Promise.race([graceful.then(() => 'drained' as const), timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        this.options.logger.warn({ drainTimeoutMs }, 'drain timed out; abandoning in-flight batches uncommitted');
        // Not `worker.close(true)`: after a graceful close() BullMQ returns that same promise,
        // which still waits for the running jobs. The caller closes the connections instead;
        // the open transactions roll back and the jobs go to another worker when their locks
        // expire. The abandoned graceful close may still reject as its connection goes away.
        graceful.catch((error: unknown) => this.options.logger.debug({ err: error }, 'abandoned close ended'));
      }
    })();
    return this.closing;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { BACKOFF_STRATEGY };
