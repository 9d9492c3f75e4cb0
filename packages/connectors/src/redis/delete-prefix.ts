import { Redis } from 'ioredis';

/**
 * Deletes every key under `<prefix>:`, walking the keyspace with SCAN so a large Redis is never
 * blocked the way KEYS would block it. Never a server-wide flush: other fleets share Redis.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** `deleteKeysWithPrefix` over a connection of its own, for one-off clean-ups (tests, the bench). */
export async function deleteKeysWithPrefixAt(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    return await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
