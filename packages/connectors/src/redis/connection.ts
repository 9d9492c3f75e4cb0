import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for Syncfleet and BullMQ. `maxRetriesPerRequest: null` is what BullMQ
 * requires of connections its workers block on; reconnects back off up to 5 s.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    ...options,
  });
}
