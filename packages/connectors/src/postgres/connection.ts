import pg from 'pg';

/**
 * Every value arrives exactly as Postgres printed it. node-postgres would otherwise turn
 * timestamps into JS Dates (milliseconds only) and could turn numbers into doubles; text is
 * exact, and COPY text format reads it back unchanged.
 */
const identity = (value: string): string => value;
export const rawTextTypes = { getTypeParser: () => identity } as unknown as pg.CustomTypesConfig;

/**
 * Session settings fix every text form that depends on them, so the producer's and the
 * worker's sessions print and parse values the same way whatever the server defaults are.
 */
const SESSION_OPTIONS = [
  '-c TimeZone=UTC',
  '-c DateStyle=ISO,MDY',
  '-c IntervalStyle=postgres',
  '-c extra_float_digits=3',
  '-c bytea_output=hex',
].join(' ');

export interface PoolOptions {
  readonly max?: number;
  readonly applicationName?: string;
  readonly connectionTimeoutMillis?: number;
  /** Told of every new connection's outcome, to report outages once (core/connection-outage). */
  readonly connectionObserver?: ConnectionObserver;
}

export interface ConnectionObserver {
  succeeded(): void;
  failed(error: unknown): void;
}

/**
 * pg-pool creates its connections through `new Client(…).connect(callback)`; a subclass is
 * the one place that sees each attempt's outcome before the caller does.
 */
function observedClient(observer: ConnectionObserver): typeof pg.Client {
  type ConnectCallback = ((err: Error) => void) | ((err: null, client: pg.Client) => void);
  return class ObservedClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const attempt = super.connect();
      const observed = attempt.then(
        (client) => {
          observer.succeeded();
          return client;
        },
        (error: unknown) => {
          observer.failed(error);
          throw error;
        },
      );
      if (!callback) return observed;
      const reply = callback as (err: Error | null, client?: pg.Client) => void;
      observed.then(
        (client) => reply(null, client),
        (error: Error) => reply(error),
      );
    }
  };
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    types: rawTextTypes,
    options: SESSION_OPTIONS,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'syncfleet',
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    idleTimeoutMillis: 30_000,
    ...(options.connectionObserver ? { Client: observedClient(options.connectionObserver) } : {}),
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener that
  // kills the process. The next checkout gets a fresh connection, so there is nothing to do.
  pool.on('error', () => undefined);
  // A checked-out client is not covered by that listener: one whose backend is terminated
  // mid-batch (failover, pg_terminate_backend) emits 'error' on itself, and would kill the
  // worker. The query in flight, or the next one, fails anyway and the batch is retried.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export type Queryable = Pick<pg.PoolClient, 'query'>;
