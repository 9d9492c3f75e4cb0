import type mysql from 'mysql2/promise';
import { optionalDependency } from '../optional-dependency.ts';

const mysqlDriver = optionalDependency<typeof mysql>('mysql2/promise', import.meta.url);

/**
 * A MySQL/MariaDB pool whose values arrive exactly as the server prints them. Every field is
 * read as text (`typeCast` → `field.string()`): DECIMAL and BIGINT UNSIGNED keep every digit,
 * DATETIME(6) keeps its microseconds, and nothing becomes a JS Date. Binary columns are hex
 * encoded in the SELECT itself (see mysql/source.ts), so no field is binary here.
 *
 * Each session runs in UTC with utf8mb4, so TIMESTAMP values print the same on the producer
 * and the worker whatever the server's time zone, and four-byte characters survive.
 */
export function createMysqlPool(url: string, options: { max?: number } = {}): mysql.Pool {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const pool = mysqlDriver().createPool({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || undefined,
    connectionLimit: options.max ?? 4,
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    // Without FOUND_ROWS the server counts an upsert that changed nothing as 0 affected rows,
    // which is how an unchanged row is told apart from a written one.
    flags: ['-FOUND_ROWS'],
    typeCast: (field) => field.string('utf8'),
  });
  // Session settings run before the connection serves its first query: the pool queues queries
  // per connection in order.
  pool.pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00', sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE')");
  });
  return pool;
}

/** `INSERT … VALUES …` result fields the sink reads. */
export interface MysqlWriteResult {
  readonly affectedRows: number;
  readonly info: string;
}
