#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, formatSummaryLine, isSyncfleetError, parseConfig, type ResolvedConfig } from '@syncfleet/core';
import { FleetResources } from '@syncfleet/connectors';
import { ProducerScheduler, scanPipeline } from '@syncfleet/producer';
import { BatchWorkers } from '@syncfleet/worker';
import { loadConfig, selectPipelines } from './load-config.ts';
import { createLogger } from './logger.ts';
import { faultHooks } from './faults.ts';
import { onShutdownSignal } from './shutdown.ts';
import { runOnce, type PipelineRunResult } from './run-once.ts';
import { formatStatus, pipelineStatus } from './status.ts';
import { seedDemo } from './demo-seed.ts';

const EXIT_PIPELINE_FAILED = 1;
const EXIT_CONFIG = 2;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

const program = new Command()
  .name('syncfleet')
  .description('Incremental, exactly-once-effect syncs between databases through a BullMQ worker fleet')
  .option('-c, --config <file>', 'configuration file', process.env.SYNCFLEET_CONFIG ?? 'syncfleet.yaml')
  .option('--log-level <level>', 'trace | debug | info | warn | error', process.env.SYNCFLEET_LOG_LEVEL ?? 'info')
  .showHelpAfterError();

function globals(): { config: string; logLevel: string } {
  return program.opts<{ config: string; logLevel: string }>();
}

program
  .command('producer')
  .description("scan each pipeline's source on its schedule and enqueue batches")
  .option('--once', 'scan every pipeline once, then exit')
  .option('--pipeline <name>', 'only this pipeline')
  .action(async (options: { once?: boolean; pipeline?: string }) => {
    const config = await loadConfig(globals().config);
    const pipelines = selectPipelines(config, options.pipeline);
    const logger = createLogger(globals().logLevel);
    const fleet = new FleetResources(config, { applicationName: 'syncfleet-producer' });
    const hooks = faultHooks().scan;
    if (options.once) {
      try {
        let failed = false;
        for (const pipeline of pipelines) {
          try {
            const result = await scanPipeline(fleet, pipeline, { logger, hooks });
            process.stdout.write(
              result.status === 'locked'
                ? `${pipeline.name} skipped: another producer holds the scan lock\n`
                : `${pipeline.name} enqueued batches=${result.batches} rows=${result.rows}\n`,
            );
          } catch (error) {
            failed = true;
            logger.error({ err: error, pipeline: pipeline.name }, 'scan failed');
            process.stderr.write(`${pipeline.name} scan failed: ${describeError(error)}\n`);
          }
        }
        process.exitCode = failed ? EXIT_PIPELINE_FAILED : 0;
      } finally {
        await fleet.close();
      }
      return;
    }
    const scheduler = new ProducerScheduler(fleet, pipelines, { logger, hooks, scanOnStart: true });
    await new Promise<void>((resolve) => {
      onShutdownSignal(logger, async () => {
        await scheduler.close();
        await fleet.close();
        resolve();
      });
      scheduler.start();
      logger.info({ pipelines: pipelines.map((p) => p.name) }, 'producer started');
    });
  });

program
  .command('worker')
  .description('process batches until SIGTERM, then drain and exit 0')
  .option('--concurrency <n>', 'batches in flight per pipeline', positiveInt)
  .option('--pipeline <name>', 'only this pipeline')
  .action(async (options: { concurrency?: number; pipeline?: string }) => {
    const config = await loadConfig(globals().config);
    const pipelines = selectPipelines(config, options.pipeline);
    const logger = createLogger(globals().logLevel);
    const concurrency = options.concurrency ?? config.worker.concurrency;
    const fleet = new FleetResources(config, { applicationName: 'syncfleet-worker', poolSize: concurrency + 1 });
    const workers = new BatchWorkers({ fleet, pipelines, concurrency, logger, hooks: faultHooks().write });
    await new Promise<void>((resolve) => {
      onShutdownSignal(logger, async () => {
        await workers.close(config.worker.drainTimeout);
        await fleet.close();
        logger.info('worker stopped');
        resolve();
      });
      void workers.ready().then(() => logger.info({ pipelines: pipelines.map((p) => p.name), concurrency }, 'worker ready'));
    });
  });

program
  .command('run')
  .description('one-shot for cron: scan, process with in-process workers, checkpoint, print a summary line per pipeline')
  .option('--concurrency <n>', 'batches in flight per pipeline', positiveInt)
  .option('--pipeline <name>', 'only this pipeline')
  .action(async (options: { concurrency?: number; pipeline?: string }) => {
    const config = await loadConfig(globals().config);
    const results = await runWithConfig(config, selectPipelines(config, options.pipeline), options.concurrency ?? config.worker.concurrency);
    process.exitCode = results.some((result) => result.failed) ? EXIT_PIPELINE_FAILED : 0;
  });

program
  .command('status')
  .description('per pipeline: watermark, lag behind source, queued/active/failed batches, last runs')
  .option('--json', 'machine-readable output')
  .option('--pipeline <name>', 'only this pipeline')
  .action(async (options: { json?: boolean; pipeline?: string }) => {
    const config = await loadConfig(globals().config);
    const fleet = new FleetResources(config, { applicationName: 'syncfleet-status' });
    try {
      const statuses = [];
      for (const pipeline of selectPipelines(config, options.pipeline)) statuses.push(await pipelineStatus(fleet, pipeline));
      process.stdout.write(options.json ? `${JSON.stringify(statuses, null, 2)}\n` : `${statuses.map(formatStatus).join('\n\n')}\n`);
    } finally {
      await fleet.close();
    }
  });

program
  .command('demo')
  .description('create a demo source of --rows orders in local Postgres and sync it to another database with 2 workers')
  .option('--rows <n>', 'rows in the demo source table', positiveInt, 300_000)
  .option('--database-url <url>', 'a Postgres server to create the demo databases on', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  .option('--redis <url>', 'Redis for the queues', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  .action(async (options: { rows: number; databaseUrl: string; redis: string }) => {
    process.stdout.write(`seeding ${options.rows} orders into syncfleet_demo_shop…\n`);
    const databases = await seedDemo(options.databaseUrl, options.rows);
    const config = parseConfig(
      JSON.stringify({
        redis: options.redis,
        queuePrefix: `syncfleet-demo`,
        pipelines: [
          {
            name: 'orders',
            source: { kind: 'postgres', url: databases.sourceUrl, table: 'public.orders', key: ['id'], cursor: 'updated_at' },
            destination: { kind: 'postgres', url: databases.destinationUrl, table: 'public.orders', conflict: 'latest-wins' },
            batchSize: 5000,
            lag: '0s',
          },
        ],
      }),
      {},
    );
    process.stdout.write('syncing syncfleet_demo_shop.orders → syncfleet_demo_warehouse.orders through Redis with 2 workers…\n');
    const results = await runWithConfig(config, config.pipelines, 2, 'warn', true);
    process.stdout.write('re-running: an unchanged source writes nothing…\n');
    const again = await runWithConfig(config, config.pipelines, 2, 'warn');
    process.exitCode = [...results, ...again].some((result) => result.failed) ? EXIT_PIPELINE_FAILED : 0;
  });

async function runWithConfig(
  config: ResolvedConfig,
  pipelines: ResolvedConfig['pipelines'],
  concurrency: number,
  logLevel = globals().logLevel,
  fresh = false,
): Promise<PipelineRunResult[]> {
  const logger = createLogger(logLevel);
  const fleet = new FleetResources(config, { applicationName: 'syncfleet-run', poolSize: concurrency + 2 });
  try {
    if (fresh) await wipeQueues(fleet, pipelines);
    const controller = new AbortController();
    const signal = onShutdownSignal(logger, async () => controller.abort());
    const results = await runOnce({ fleet, config, pipelines, concurrency, logger, hooks: faultHooks(), signal });
    for (const result of results) {
      process.stdout.write(`${formatSummaryLine(result.pipeline, result.counters, result.watermark, result.elapsedMs)}\n`);
      if (result.error) process.stderr.write(`${result.pipeline} failed: ${result.error}\n`);
    }
    return results;
  } finally {
    await fleet.close();
  }
}

/** The demo recreates its databases, so jobs left in its queues by an earlier demo are stale. */
async function wipeQueues(fleet: FleetResources, pipelines: ResolvedConfig['pipelines']): Promise<void> {
  for (const pipeline of pipelines) await fleet.queue(pipeline.name).obliterate({ force: true });
  await fleet.deadLetterQueue().obliterate({ force: true });
  const keys = await fleet.redis.keys(`${fleet.prefix}:_syncfleet:*`);
  if (keys.length > 0) await fleet.redis.del(...keys);
}

function describeError(error: unknown): string {
  if (isSyncfleetError(error)) return error.hint ? `${error.message} — ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error:\n${error.problems.map((problem) => `  ${problem}`).join('\n')}\n`);
    process.exitCode = EXIT_CONFIG;
  } else if (isSyncfleetError(error)) {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exitCode = EXIT_PIPELINE_FAILED;
  } else {
    throw error;
  }
}
