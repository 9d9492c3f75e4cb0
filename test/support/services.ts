import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The services every machine runs; CI and laptops override them through the environment. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database of its own for one test: created empty, dropped (with its connections) after. */
export async function createDatabase(label: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `sf_test_${label}_${randomUUID().slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      // pg-pool's end() resolves before its clients' sessions are gone; FORCE would then kill
      // a session whose client is still ending, which surfaces as an unhandled 57P01 rejection.
      await waitFor(async () => (await sessionsOn(name)) === 0, { timeoutMs: 5000, what: `sessions on ${name} to close` }).catch(() => undefined);
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function sessionsOn(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = $1', [database]);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}


/** Polls `condition` until it holds; tests wait for conditions, never for fixed times. */
export async function waitFor<T>(
  condition: () => Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, intervalMs = 50, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
