import { formatSummaryLine, type ResolvedConfig } from '@syncfleet/core';
import { FleetResources, deleteKeysWithPrefix } from '@syncfleet/connectors';
import type { PageRead } from '@syncfleet/producer';
import { createLogger } from './logger.ts';
import { faultHooks } from './faults.ts';
import { onShutdownSignal } from './shutdown.ts';
import { runOnce, type PipelineRunResult } from './run-once.ts';
import { combineWorkerEvents, startObservability, type Observability } from './observability.ts';
import { RunProgress } from './run-progress.ts';
import { logOutages } from './outage-log.ts';

export async function runWithConfig(
  config: ResolvedConfig,
  pipelines: ResolvedConfig['pipelines'],
  concurrency: number,
  logLevel: string,
  fresh = false,
): Promise<PipelineRunResult[]> {
  const logger = createLogger(logLevel);
  const fleet = new FleetResources(config, { applicationName: 'syncfleet-run', poolSize: concurrency + 2, onOutage: logOutages(logger) });
  let observability: Observability | undefined;
  let progress: RunProgress | undefined;
  try {
    observability = await startObservability({ config, fleet, pipelines, logger });
    if (fresh) await wipeQueues(fleet, pipelines);
    const controller = new AbortController();
    const signal = onShutdownSignal(logger, async () => controller.abort());
    const { workerEvents, onPage: observePage } = observability;
    const bar = (progress = new RunProgress({ logger }));
    const events = combineWorkerEvents(workerEvents, bar.events);
    const onPage = (pipeline: string, page: PageRead) => {
      observePage?.(pipeline, page);
      bar.onPage(pipeline, page);
    };
    const results = await runOnce({ fleet, config, pipelines, concurrency, logger, hooks: faultHooks(), signal, events, onPage });
    bar.stop();
    for (const result of results) {
      process.stdout.write(`${formatSummaryLine(result.pipeline, result.counters, result.watermark, result.elapsedMs)}\n`);
      if (result.error) process.stderr.write(`${result.pipeline} failed: ${result.error}\n`);
    }
    return results;
  } finally {
    progress?.stop();
    await observability?.close();
    await fleet.close();
  }
}

/** The demo recreates its databases, so jobs left in its queues by an earlier demo are stale. */
async function wipeQueues(fleet: FleetResources, pipelines: ResolvedConfig['pipelines']): Promise<void> {
  for (const pipeline of pipelines) await fleet.queue(pipeline.name).obliterate({ force: true });
  await fleet.deadLetterQueue().obliterate({ force: true });
  await deleteKeysWithPrefix(fleet.redis, `${fleet.prefix}:_syncfleet`);
}
