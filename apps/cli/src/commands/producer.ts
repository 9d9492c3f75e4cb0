import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { FleetResources } from '@syncfleet/connectors';
import { ProducerScheduler, recordedScan } from '@syncfleet/producer';
import { loadConfig, selectPipelines } from '../load-config.ts';
import { createLogger } from '../logger.ts';
import { faultHooks } from '../faults.ts';
import { closeOrExit, onShutdownSignal, exitAfterShutdown } from '../shutdown.ts';
import { logOutages } from '../outage-log.ts';
import { EXIT_PIPELINE_FAILED, describeError } from '../exit-codes.ts';
import { startObservability } from '../observability.ts';

export function registerProducerCommand(program: Command, cli: CliContext): void {
  program
    .command('producer')
    .description("scan each pipeline's source on its schedule and enqueue batches")
    .option('--once', 'scan every pipeline once, then exit')
    .option('--pipeline <name>', 'only this pipeline')
    .action(async (options: { once?: boolean; pipeline?: string }) => {
      const config = await loadConfig(cli.globals().config);
      const pipelines = selectPipelines(config, options.pipeline);
      const logger = createLogger(cli.globals().logLevel);
      const fleet = new FleetResources(config, { applicationName: 'syncfleet-producer', onOutage: logOutages(logger) });
      const hooks = faultHooks().scan;
      const observability = await startObservability({ config, fleet, pipelines, logger }).catch(async (error: unknown) => {
        await fleet.close();
        throw error;
      });
      const onPage = observability.onPage;
      if (options.once) {
        try {
          let failed = false;
          for (const pipeline of pipelines) {
            try {
              const result = await recordedScan(fleet, pipeline, { logger, hooks, onPage: onPage && ((page) => onPage(pipeline.name, page)) });
              process.stdout.write(
                result.status === 'locked'
                  ? `${pipeline.name} skipped: another producer holds the scan lock\n`
                  : `${pipeline.name} enqueued batches=${result.batches} rows=${result.rows}${result.rejected > 0 ? ` quarantined=${result.rejected}` : ''}\n`,
              );
            } catch (error) {
              failed = true;
              logger.error({ err: error, pipeline: pipeline.name }, 'scan failed');
              process.stderr.write(`${pipeline.name} scan failed: ${describeError(error)}\n`);
            }
          }
          process.exitCode = failed ? EXIT_PIPELINE_FAILED : 0;
        } finally {
          await observability.close();
          await fleet.close();
        }
        return;
      }
      const scheduler = new ProducerScheduler(fleet, pipelines, { logger, hooks, scanOnStart: true, onPage });
      await new Promise<void>((resolve) => {
        onShutdownSignal(logger, async () => {
          await scheduler.close();
          // Bounded: closing waits for Redis, which may be the thing that is down.
          await closeOrExit(
            logger,
            (async () => {
              await observability.close();
              await fleet.close();
            })(),
            5_000,
          );
          resolve();
          await exitAfterShutdown(logger);
        });
        scheduler.start();
        logger.info({ pipelines: pipelines.map((p) => p.name) }, 'producer started');
      });
    });
}
