import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { FleetResources } from '@syncfleet/connectors';
import { BatchWorkers, DeadLetterConsumer } from '@syncfleet/worker';
import { loadConfig, selectPipelines } from '../load-config.ts';
import { createLogger } from '../logger.ts';
import { faultHooks } from '../faults.ts';
import { closeOrExit, onShutdownSignal, exitAfterShutdown } from '../shutdown.ts';
import { logOutages } from '../outage-log.ts';
import { positiveInt } from '../options.ts';
import { startObservability } from '../observability.ts';

/** Time to close Redis and the pools after the drain; the k8s grace period leaves room for it. */
const CLOSE_TIMEOUT_MS = 5_000;

export function registerWorkerCommand(program: Command, cli: CliContext): void {
  program
    .command('worker')
    .description('process batches until SIGTERM, then drain and exit 0')
    .option('--concurrency <n>', 'batches in flight per pipeline', positiveInt)
    .option('--pipeline <name>', 'only this pipeline')
    .action(async (options: { concurrency?: number; pipeline?: string }) => {
      const config = await loadConfig(cli.globals().config);
      const pipelines = selectPipelines(config, options.pipeline);
      const logger = createLogger(cli.globals().logLevel);
      const concurrency = options.concurrency ?? config.worker.concurrency;
      const fleet = new FleetResources(config, { applicationName: 'syncfleet-worker', poolSize: concurrency + 1, onOutage: logOutages(logger) });
      const observability = await startObservability({ config, fleet, pipelines, logger }).catch(async (error: unknown) => {
        await fleet.close();
        throw error;
      });
      const workers = new BatchWorkers({ fleet, pipelines, concurrency, logger, hooks: faultHooks().write, ...observability.workerEvents });
      // Parks new dead-letter entries as failed jobs and replays those retried from Bull Board.
      const deadLetters = new DeadLetterConsumer({ fleet, pipelines: config.pipelines, logger });
      await new Promise<void>((resolve) => {
        onShutdownSignal(logger, async () => {
          // Closing BullMQ workers waits for Redis; during an outage only the drain timeout
          // and CLOSE_TIMEOUT_MS bound it, so the process still exits within its grace period.
          const deadLettersClosed = deadLetters.close();
          // Awaited below; a rejection meanwhile must not count as unhandled.
          deadLettersClosed.catch(() => undefined);
          await workers.close(config.worker.drainTimeout);
          await closeOrExit(
            logger,
            (async () => {
              await deadLettersClosed;
              await observability.close();
              await fleet.close();
            })(),
            CLOSE_TIMEOUT_MS,
          );
          logger.info('worker stopped');
          resolve();
          await exitAfterShutdown(logger);
        });
        void workers.ready().then(() => logger.info({ pipelines: pipelines.map((p) => p.name), concurrency }, 'worker ready'));
      });
    });
}
