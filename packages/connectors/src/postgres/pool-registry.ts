import type pg from 'pg';
import { OutageTracker, isConnectionError, type OutageEvent } from '@syncfleet/core';
import { createPool, type PoolOptions } from './connection.ts';
import { migrate } from './migrate.ts';
import { PoolsByUrl } from '../pools-by-url.ts';

/** Postgres pools per URL (see PoolsByUrl), each reporting outages once per outage. */
export class PoolRegistry {
  private readonly pools: PoolsByUrl<pg.Pool>;

  private readonly options: PoolOptions;
  /** Told once when a database becomes unreachable and once when it is back. */
  private readonly onOutage: ((event: OutageEvent) => void) | undefined;

  constructor(options: PoolOptions = {}, onOutage?: (event: OutageEvent) => void) {
    this.options = options;
    this.onOutage = onOutage;
    this.pools = new PoolsByUrl((url) => createPool(url, { ...this.options, connectionObserver: this.observerFor(url) }), migrate);
  }

  get(url: string): pg.Pool {
    return this.pools.get(url);
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
  destination(url: string): Promise<pg.Pool> {
    return this.pools.migratedPool(url);
  }

  close(): Promise<void> {
    return this.pools.close();
  }
}

/** `PostgreSQL host:port/database`: names the server without the URL's credentials. */
export function postgresServiceName(url: string): string {
  const parsed = new URL(url);
  return `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}
