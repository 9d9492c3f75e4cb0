import type mysql from 'mysql2/promise';
import { createMysqlPool } from './connection.ts';
import { migrateMysql } from './bookkeeping-schema.ts';

/** One MySQL/MariaDB pool per URL per process, like postgres/pool-registry.ts. */
export class MysqlPoolRegistry {
  private readonly pools = new Map<string, mysql.Pool>();
  private readonly migrated = new Map<string, Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: { max?: number } = {}) {}

  get(url: string): mysql.Pool {
    if (this.closing) throw new Error('pool registry is closed');
    let pool = this.pools.get(url);
    if (!pool) {
      pool = createMysqlPool(url, this.options);
      this.pools.set(url, pool);
    }
    return pool;
  }

  /** The destination's pool, with the bookkeeping tables created. */
  async destination(url: string): Promise<mysql.Pool> {
    const pool = this.get(url);
    let done = this.migrated.get(url);
    if (!done) {
      done = migrateMysql(pool);
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
