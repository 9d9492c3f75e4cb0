import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { isConnectionError, type ResolvedPipeline } from '@syncfleet/core';
import { DEAD_LETTER_QUEUE, replayDeadLetter, type DeadLetterEntry, type FleetResources } from '@syncfleet/connectors';

export interface DeadLetterConsumerOptions {
  readonly fleet: FleetResources;
  /** Every pipeline of the configuration (not a worker's selection): any entry may be retried. */
  readonly pipelines: readonly ResolvedPipeline[];
  readonly logger: Logger;
}

/**
 * Makes the dead-letter queue operable from Bull Board, whose Retry button only acts on failed
 * jobs. A batch worker adds a dead batch as a plain job; this consumer "parks" a fresh entry by
 * failing it at once with the batch's own error and stack (attemptsMade 0 → 1), so Bull Board
 * lists it as failed with a readable reason. A Retry moves it back to waiting with attemptsMade
 * still 1; the consumer then replays it exactly as `syncfleet dlq replay` does and completes,
 * and the completed entry is removed.
 *
 * Chosen over creating jobs directly in the failed state, which BullMQ has no API for, and over
 * retrying the failed batch job itself, which would leave the entry behind and run with its
 * attempts already spent. The dashboard and every `syncfleet worker` run one; while none runs,
 * entries wait unparked and the CLI still lists, replays and purges them.
 */
export class DeadLetterConsumer {
  private readonly worker: Worker<DeadLetterEntry, { replayedAs: string }, string>;
  private closing: Promise<void> | undefined;

  private readonly options: DeadLetterConsumerOptions;

  constructor(options: DeadLetterConsumerOptions) {
    this.options = options;
    const { fleet, logger } = options;
    this.worker = new Worker<DeadLetterEntry, { replayedAs: string }, string>(DEAD_LETTER_QUEUE, (job) => this.handle(job), {
      connection: fleet.redis,
      prefix: fleet.prefix,
      concurrency: 1,
      removeOnComplete: { count: 0 },
    });
    this.worker.on('error', (error) => {
      // Reported once per outage by FleetResources, not on every reconnection attempt.
      if (isConnectionError(error)) return;
      logger.error({ err: error }, 'dead-letter queue error');
    });
  }

  private async handle(job: Job<DeadLetterEntry, { replayedAs: string }, string>): Promise<{ replayedAs: string }> {
    const entry = job.data;
    if (job.attemptsMade === 0) {
      const parked = new UnrecoverableError(entry.error);
      if (entry.stack) parked.stack = entry.stack;
      throw parked;
    }
    const replay = await replayDeadLetter(this.options.fleet, this.options.pipelines, job, { removeEntry: false });
    this.options.logger.info({ pipeline: replay.pipeline, batch: replay.batchId, job: replay.jobId }, 'dead batch replayed from the dead-letter queue');
    return { replayedAs: replay.jobId };
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  close(): Promise<void> {
    this.closing ??= this.worker.close();
    return this.closing;
  }
}
