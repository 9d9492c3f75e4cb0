import type { Logger } from 'pino';

/**
 * Registers SIGTERM/SIGINT once. The first signal starts `shutdown`; later ones are the same
 * request (Kubernetes and terminals often send two), not a reason to die half-way.
 */
export function onShutdownSignal(logger: Logger, shutdown: (signal: NodeJS.Signals) => Promise<void>): AbortSignal {
  const controller = new AbortController();
  let started: Promise<void> | undefined;
  const handle = (signal: NodeJS.Signals) => {
    if (started) {
      logger.info({ signal }, 'shutdown already in progress');
      return;
    }
    logger.info({ signal }, 'shutting down');
    controller.abort();
    started = shutdown(signal);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return controller.signal;
}
