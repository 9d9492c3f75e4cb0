import pg from 'pg';
import { createPool } from '@syncfleet/connectors';

/**
 * The benchmark's own databases (`sfbench_*`) and Redis prefix: created fresh, dropped at the
 * end, never touching anything else on the shared servers.
 */
export class BenchDatabases {
  private readonly created = new Set<string>();

  private readonly adminUrl: string;

  constructor(adminUrl: string) {
    this.adminUrl = adminUrl;
  }

  url(name: string): string {
    const parsed = new URL(this.adminUrl);
    parsed.pathname = `/${name}`;
    return parsed.toString();
  }

  /** Drops `name` if it exists and creates it empty; returns its URL. */
  async recreate(name: string): Promise<string> {
    if (!/^sfbench_[a-z0-9_]+$/.test(name)) throw new Error(`not a benchmark database name: ${name}`);
    await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await this.admin(`CREATE DATABASE ${name}`);
    this.created.add(name);
    return this.url(name);
  }

  async dropAll(): Promise<void> {
    for (const name of this.created) await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    this.created.clear();
  }

  async serverVersion(): Promise<string> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    } finally {
      await client.end();
    }
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export interface TableChecksum {
  readonly rows: number;
  /** Order-independent digest: sum of the first 60 bits of md5(row text) over all rows. */
  readonly digest: string;
}

/**
 * Source and destination compared without trusting the fleet: the row count and a digest of
 * every row's full text. Sessions use the fleet's settings (UTC, ISO dates) so equal rows print
 * equally in both databases.
 */
export async function checksumOrders(url: string): Promise<TableChecksum> {
  const pool = createPool(url, { max: 1, applicationName: 'syncfleet-bench' });
  try {
    const { rows } = await pool.query<{ n: string; digest: string | null }>(
      `SELECT count(*)::text AS n, sum(('x' || left(md5(o::text), 15))::bit(60)::bigint::numeric)::text AS digest FROM public.orders o`,
    );
    return { rows: Number(rows[0]!.n), digest: rows[0]!.digest ?? '0' };
  } finally {
    await pool.end();
  }
}

/**
 * Rows inserted, updated or deleted in the destination's `orders` so far, from
 * pg_stat_user_tables. Backends report statistics when they end (and now and then while
 * idle), so callers read this only after the fleet's sessions have closed; the flush call
 * covers this session's own pending counts.
 */
export async function rowsWrittenSoFar(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await client.query<{ n: string }>(
      `SELECT (n_tup_ins + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_user_tables WHERE relid = 'public.orders'::regclass`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
