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
    // A close that fails (Redis gone mid-drain) is reported and ends the process non-zero,
    // rather than surfacing as an unhandled rejection.
    started = shutdown(signal).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      logger.flush(() => process.exit(1));
    });
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
  return controller.signal;
}

/**
 * After the drain, closing the pools waits for every checked-out connection, and an abandoned
 * batch's connection may stay busy for as long as its statement runs. Past `timeoutMs` the
 * process exits 0 anyway: the open transaction rolls back as its connection drops, the Redis
 * locks expire, and BullMQ gives the batch to another worker — nothing is half-committed.
 * A supervisor's SIGKILL at the end of its grace period would have the same effect, but with
 * a failure exit code and no last log line.
 */
export async function closeOrExit(logger: Logger, closing: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (result === 'closed') return;
  logger.warn({ timeoutMs }, 'still closing connections after the drain; exiting (open transactions roll back)');
  logger.flush(() => process.exit(0));
  // flush's callback is the way out; do not go on as if closed.
  await new Promise<never>(() => undefined);
}

/**
 * Ends a long-running command once its shutdown is done. Letting Node wind down by itself
 * closes its signal watchers first, and a late duplicate signal in that window (pnpm forwards
 * the group's SIGTERM to its child a moment later) would then kill the process with SIGTERM
 * instead of the clean exit 0 it had earned. `process.exit` keeps the handlers to the end.
 */
export function exitAfterShutdown(logger: Logger): Promise<never> {
  logger.flush(() => process.exit(process.exitCode ?? 0));
  return new Promise<never>(() => undefined);
}
