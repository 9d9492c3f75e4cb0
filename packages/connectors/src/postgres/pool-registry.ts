import type pg from 'pg';
import { OutageTracker, isConnectionError, type OutageEvent } from '@syncfleet/core';
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

  constructor(
    private readonly options: PoolOptions = {},
    /** Told once when a database becomes unreachable and once when it is back. */
    private readonly onOutage?: (event: OutageEvent) => void,
  ) {}

  get(url: string): pg.Pool {
    if (this.closing) throw new Error('pool registry is closed');
    let pool = this.pools.get(url);
    if (!pool) {
      pool = createPool(url, { ...this.options, connectionObserver: this.observerFor(url) });
      this.pools.set(url, pool);
    }
    return pool;
  }

  private observerFor(url: string): PoolOptions['connectionObserver'] {
    const onOutage = this.onOutage;
    if (!onOutage) return undefined;
    const tracker = new OutageTracker(postgresServiceName(url), onOutage);
    return {
      succeeded: () => tracker.succeeded(),
      // Authentication or a missing database are not outages: the caller gets those errors.
      failed: (error) => (isConnectionError(error) ? tracker.failed(error) : undefined),
    };
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

/** `PostgreSQL host:port/database`: names the server without the URL's credentials. */
export function postgresServiceName(url: string): string {
  const parsed = new URL(url);
  return `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
