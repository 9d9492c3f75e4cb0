import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { SyncfleetError } from '@syncfleet/core';

/** Return codes of the lock scripts (see the headers of lua/*.lua). */
export const LockScriptResult = {
  NotOwner: 0,
  Done: 1,
} as const;

const RELEASE = readFileSync(new URL('./lua/release-lock.lua', import.meta.url), 'utf8');
const EXTEND = readFileSync(new URL('./lua/extend-lock.lua', import.meta.url), 'utf8');

interface LockCommands {
  syncfleetReleaseLock(key: string, token: string): Promise<number>;
  syncfleetExtendLock(key: string, token: string, ttlMs: number): Promise<number>;
}

function withLockCommands(redis: Redis): Redis & LockCommands {
  const extended = redis as Redis & Partial<LockCommands>;
  if (typeof extended.syncfleetReleaseLock !== 'function') {
    redis.defineCommand('syncfleetReleaseLock', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('syncfleetExtendLock', { numberOfKeys: 1, lua: EXTEND });
  }
  return redis as Redis & LockCommands;
}

/**
 * A lease on a Redis key: `SET key token NX PX ttl`, released and extended only by its owner.
 * Guards single-writer sections (a pipeline's scan, its checkpoint). Lock expiry is not a
 * correctness boundary on its own: what a lock guards is also fenced in Postgres.
 */
export class RedisLock {
  private readonly redis: Redis & LockCommands;
  private released = false;

  readonly key: string;
  readonly token: string;
  readonly ttlMs: number;

  private constructor(redis: Redis, key: string, token: string, ttlMs: number) {
    this.redis = withLockCommands(redis);
    this.key = key;
    this.token = token;
    this.ttlMs = ttlMs;
  }

  static async tryAcquire(redis: Redis, key: string, ttlMs: number): Promise<RedisLock | null> {
    const token = randomUUID();
    const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? new RedisLock(redis, key, token, ttlMs) : null;
  }

  /** Waits (polling with a small jittered delay) until the lock is free, up to `waitMs`. */
  static async acquire(redis: Redis, key: string, ttlMs: number, waitMs: number): Promise<RedisLock> {
    const deadline = Date.now() + waitMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      const lock = await RedisLock.tryAcquire(redis, key, ttlMs);
      if (lock) return lock;
      if (Date.now() >= deadline) {
        throw new SyncfleetError('TIMEOUT', `lock ${key} still held after ${waitMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
    }
  }

  /** Extends the lease; throws LOCK_LOST when someone else holds it now. */
  async extend(): Promise<void> {
    const result = await this.redis.syncfleetExtendLock(this.key, this.token, this.ttlMs);
    if (result !== LockScriptResult.Done) {
      throw new SyncfleetError('LOCK_LOST', `lost lock ${this.key}: it expired or was taken over`);
    }
  }

  /** Idempotent; true when this call released a lock still owned. */
  async release(): Promise<boolean> {
    if (this.released) return false;
    this.released = true;
    return (await this.redis.syncfleetReleaseLock(this.key, this.token)) === LockScriptResult.Done;
  }
}
