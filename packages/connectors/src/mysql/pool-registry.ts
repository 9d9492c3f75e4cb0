import type mysql from 'mysql2/promise';
import { PoolsByUrl } from '../pools-by-url.ts';
import { createMysqlPool } from './connection.ts';
import { migrateMysql } from './bookkeeping-schema.ts';

/** One MySQL/MariaDB pool per URL per process, like postgres/pool-registry.ts. */
export class MysqlPoolRegistry {
  private readonly pools: PoolsByUrl<mysql.Pool>;

  constructor(options: { max?: number } = {}) {
    this.pools = new PoolsByUrl((url) => createMysqlPool(url, options), migrateMysql);
  }

  get(url: string): mysql.Pool {
    return this.pools.get(url);
  }

  /** The destination's pool, with the bookkeeping tables created. */
  destination(url: string): Promise<mysql.Pool> {
    return this.pools.migratedPool(url);
  }

  close(): Promise<void> {
    return this.pools.close();
  }
}
