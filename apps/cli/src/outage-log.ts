import type { Logger } from 'pino';
import type { OutageEvent } from '@syncfleet/core';

/**
 * One log line when Redis or a database becomes unreachable, one when it is back. The
 * clients retry with backoff in between (ioredis' retryStrategy, pg-pool on each checkout);
 * their individual failures stay out of the log.
 */
export function logOutages(logger: Logger): (event: OutageEvent) => void {
  return (event) => {
    if (event.kind === 'down') {
      logger.warn({ service: event.service, reason: event.reason }, `${event.service} unreachable (${event.reason}); retrying with backoff`);
    } else {
      logger.info(
        { service: event.service, downForMs: event.downForMs, failedAttempts: event.failedAttempts },
        `${event.service} reachable again after ${(event.downForMs / 1000).toFixed(1)} s`,
      );
    }
  };
}
