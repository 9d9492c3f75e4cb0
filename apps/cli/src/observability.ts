import type { Logger } from 'pino';
import { ConfigError, type ResolvedConfig, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '@syncfleet/connectors';
import type { BatchWorkerEvents } from '@syncfleet/worker';
import { FleetMetrics, type PageObserver } from './fleet-metrics.ts';
import { startMetricsServer, type MetricsServer } from './metrics-server.ts';
import { checkReadiness } from './readiness.ts';

/** `SYNCFLEET_METRICS_PORT` wins over `metrics.port`; neither means no metrics server. */
export function metricsPort(config: ResolvedConfig, env: NodeJS.ProcessEnv = process.env): number | null {
  const fromEnv = env.SYNCFLEET_METRICS_PORT;
  if (fromEnv === undefined || fromEnv === '') return config.metrics.port ?? null;
  const port = Number(fromEnv);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError([`SYNCFLEET_METRICS_PORT: "${fromEnv}" is not a port — use 0-65535 (0 picks a free one)`]);
  }
  return port;
}

export interface Observability {
  /** The bound port, or null when no metrics port is configured. */
  readonly port: number | null;
  readonly workerEvents: BatchWorkerEvents;
  readonly onPage: PageObserver | undefined;
  close(): Promise<void>;
}

const DISABLED: Observability = { port: null, workerEvents: {}, onPage: undefined, close: async () => undefined };

/** Starts the metrics and probe endpoints of a producer, worker or `run` when a port is configured. */
export async function startObservability(options: {
  readonly config: ResolvedConfig;
  readonly fleet: FleetResources;
  readonly pipelines: readonly ResolvedPipeline[];
  readonly logger: Logger;
}): Promise<Observability> {
  const port = metricsPort(options.config);
  if (port === null) return DISABLED;
  const { fleet, pipelines, logger } = options;
  const metrics = new FleetMetrics(fleet, pipelines, logger);
  let server: MetricsServer;
  try {
    server = await startMetricsServer({ port, logger, metrics: () => metrics.render(), readiness: () => checkReadiness(fleet, pipelines) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError([`metrics port ${port}: cannot listen (${code}) — choose another with metrics.port or SYNCFLEET_METRICS_PORT`]);
  }
  return { port: server.port, workerEvents: metrics.workerEvents, onPage: metrics.onPage, close: () => server.close() };
}

/** One set of worker events that calls each given set in turn (run counters, metrics, progress). */
export function combineWorkerEvents(...sets: readonly BatchWorkerEvents[]): BatchWorkerEvents {
  return {
    onOutcome: (pipeline, outcome) => sets.forEach((set) => set.onOutcome?.(pipeline, outcome)),
    onRetry: (pipeline, error) => sets.forEach((set) => set.onRetry?.(pipeline, error)),
    onDeadLetter: (pipeline, error) => sets.forEach((set) => set.onDeadLetter?.(pipeline, error)),
    onTimings: (pipeline, timings) => sets.forEach((set) => set.onTimings?.(pipeline, timings)),
  };
}
