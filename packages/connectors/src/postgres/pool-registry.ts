import type pg from 'pg';
import { createPool, type PoolOptions } from './connection.ts';
import { migrate } from './migrate.ts';

/**
 * One pool per database URL per process: pipelines sharing a database share its connections,
 * and each destination's migrations run once per process.
 */
export class PoolRegistry {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly migrated = new Map<string, Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: PoolOptions = {}) {}

  get(url: string): pg.Pool {
    if (this.closing) throw new Error('pool registry is closed');
    let pool = this.pools.get(url);
    if (!pool) {
      pool = createPool(url, this.options);
      this.pools.set(url, pool);
    }
    return pool;
  }

  /** The destination's pool, with the `syncfleet` schema migrated. */
  async destination(url: string): Promise<pg.Pool> {
    const pool = this.get(url);
    let done = this.migrated.get(url);
    if (!done) {
      done = migrate(pool);
      this.migrated.set(url, done);
      done.catch(() => this.migrated.delete(url));
    }
    await done;
    return pool;
  }

  close(): Promise<void> {
    this.closing ??= Promise.all([...this.pools.values()].map((pool) => pool.end())).then(() => undefined);
    return this.closing;
  }
}
