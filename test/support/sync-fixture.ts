import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test as base } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { parseConfig, type ResolvedConfig } from '@syncfleet/core';
import { FleetResources, deleteKeysWithPrefixAt } from '@syncfleet/connectors';
import { runOnce, type PipelineRunResult } from '../../apps/cli/src/run-once.ts';
import { REDIS_URL, createDatabase } from './services.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/syncfleet.mjs', import.meta.url));

export interface PipelineOverrides {
  readonly name?: string;
  readonly source?: Record<string, unknown>;
  readonly destination?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/**
 * A sync environment of a test's own: a source and a destination database, a queue prefix,
 * and helpers to configure, run and compare. Everything is removed after the test.
 */
export interface SyncEnv {
  readonly sourceUrl: string;
  readonly destinationUrl: string;
  readonly prefix: string;
  readonly redisUrl: string;
  /** A pool on the source database, with node-postgres' default parsing. */
  readonly source: pg.Pool;
  readonly destination: pg.Pool;
  config(pipeline?: PipelineOverrides, top?: Record<string, unknown>): ResolvedConfig;
  /** The config as an object for writing YAML/JSON files for CLI processes. */
  rawConfig(pipeline?: PipelineOverrides, top?: Record<string, unknown>): Record<string, unknown>;
  /** `syncfleet run` in this process. */
  run(config: ResolvedConfig, concurrency?: number): Promise<PipelineRunResult[]>;
  /**
   * A real `syncfleet` process; its stdout/stderr are collected. `detached` makes it lead a
   * process group of its own, as a supervisor would, so a test can signal the whole group.
   */
  spawnCli(args: string[], env?: Record<string, string>, options?: { detached?: boolean }): CliProcess;
  /** Rows of a table as text, ordered by key: compare source and destination exactly. */
  rowsOf(pool: pg.Pool, table: string, orderBy?: string): Promise<string[]>;
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const quietLogger = pino({ level: process.env.SYNCFLEET_TEST_LOG_LEVEL ?? 'silent' });

export const test = base.extend<{ env: SyncEnv }>({
  // eslint-disable-next-line no-empty-pattern
  env: async ({}, use) => {
    const sourceDb = await createDatabase('src');
    const destinationDb = await createDatabase('dst');
    const prefix = `test-${randomUUID().slice(0, 12)}`;
    const source = new pg.Pool({ connectionString: sourceDb.url, max: 4 });
    const destination = new pg.Pool({ connectionString: destinationDb.url, max: 4 });
    // Tests terminate backends and close databases on purpose; an idle client of these pools
    // that loses its session must not take the test process down.
    for (const pool of [source, destination]) pool.on('error', () => undefined);
    const children: ChildProcess[] = [];
    const rawConfig = (pipeline: PipelineOverrides = {}, top: Record<string, unknown> = {}) => ({
      redis: REDIS_URL,
      queuePrefix: prefix,
      ...top,
      pipelines: [
        {
          name: pipeline.name ?? 'orders',
          batchSize: 100,
          lag: '0s',
          ...pipeline,
          source: { kind: 'postgres', url: sourceDb.url, table: 'public.orders', key: ['id'], cursor: 'updated_at', ...pipeline.source },
          destination: { kind: 'postgres', url: destinationDb.url, table: 'public.orders', ...pipeline.destination },
        },
      ],
    });
    const env: SyncEnv = {
      sourceUrl: sourceDb.url,
      destinationUrl: destinationDb.url,
      prefix,
      redisUrl: REDIS_URL,
      source,
      destination,
      rawConfig,
      config: (pipeline, top) => parseConfig(JSON.stringify(rawConfig(pipeline, top)), {}),
      async run(config, concurrency = 2) {
        const fleet = new FleetResources(config);
        try {
          return await runOnce({ fleet, config, pipelines: config.pipelines, concurrency, logger: quietLogger });
        } finally {
          await fleet.close();
        }
      },
      spawnCli(args, extraEnv = {}, options = {}) {
        const child = spawn(process.execPath, [CLI, ...args], {
          cwd: REPO_ROOT,
          detached: options.detached ?? false,
          env: { ...process.env, SYNCFLEET_LOG_LEVEL: process.env.SYNCFLEET_TEST_LOG_LEVEL ?? 'warn', ...extraEnv },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        let out = '';
        let err = '';
        child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        return { child, stdout: () => out, stderr: () => err, exited };
      },
      async rowsOf(pool, table, orderBy = 'id') {
        const { rows } = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY ${orderBy}`);
        return rows.map((row) => row.row);
      },
    };
    try {
      await use(env);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.allSettled([source.end(), destination.end()]);
      await deleteKeysWithPrefixAt(REDIS_URL, prefix);
      await Promise.allSettled([sourceDb.drop(), destinationDb.drop()]);
    }
  },
});

/** The demo-like `orders` table most tests sync. */
export async function createOrdersTable(pool: pg.Pool, rows = 0, options: { sameCursor?: boolean } = {}): Promise<void> {
  await pool.query(`
    CREATE TABLE public.orders (
      id bigint PRIMARY KEY,
      status text NOT NULL,
      amount numeric(12,2),
      updated_at timestamptz NOT NULL
    )`);
  await pool.query('CREATE INDEX ON public.orders (updated_at, id)');
  if (rows > 0) await insertOrders(pool, 1, rows, options);
}

export async function insertOrders(pool: pg.Pool, from: number, to: number, options: { sameCursor?: boolean } = {}): Promise<void> {
  await pool.query(
    `INSERT INTO public.orders
     SELECT g, 'new', g * 1.5,
            ${options.sameCursor ? `timestamptz '2025-06-01 12:00:00.123456+00'` : `timestamptz '2025-01-01 00:00:00+00' + (g || ' milliseconds')::interval * 1001`}
     FROM generate_series($1::int, $2::int) AS g`,
    [from, to],
  );
}
