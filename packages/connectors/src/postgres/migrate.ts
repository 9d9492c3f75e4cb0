import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Arbitrary but fixed: every Syncfleet process serialises its migrations on this key. */
const MIGRATION_LOCK_KEY = 7_246_001;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{4}_.+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file,
      sql: await readFile(MIGRATIONS_DIR + file, 'utf8'),
    })),
  );
}

/**
 * Applies the pending migrations of the `syncfleet` schema. Each runs in its own transaction
 * under a transaction-level advisory lock, so any number of workers may start at once: the
 * first applies, the others wait and then find nothing to do.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const migrations = await loadMigrations();
  const applied: number[] = [];
  const client = await pool.connect();
  try {
    for (const migration of migrations) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        await client.query('CREATE SCHEMA IF NOT EXISTS syncfleet');
        await client.query(
          'CREATE TABLE IF NOT EXISTS syncfleet.migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        const { rowCount } = await client.query('SELECT 1 FROM syncfleet.migrations WHERE version = $1', [migration.version]);
        if (rowCount === 0) {
          await client.query(migration.sql);
          await client.query('INSERT INTO syncfleet.migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          applied.push(migration.version);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    client.release();
  }
  return applied;
}
