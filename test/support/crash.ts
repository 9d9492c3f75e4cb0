import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { waitFor } from './services.ts';
import type { SyncEnv } from './sync-fixture.ts';

/** Writes a config for CLI processes; JSON is YAML, so the CLI reads it as is. */
export async function writeConfigFile(config: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'syncfleet-test-'));
  const path = join(dir, 'syncfleet.yaml');
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/** Waits until the committed watermark sits on the source's last row. */
export async function waitForWatermarkAtEnd(env: SyncEnv, timeoutMs = 60_000): Promise<void> {
  const { rows } = await env.source.query<{ hi: string }>(
    `SELECT json_build_array(updated_at::text, id::text)::text AS hi FROM public.orders ORDER BY updated_at DESC, id DESC LIMIT 1`,
  );
  const expectedId = JSON.parse(rows[0]!.hi)[1] as string;
  await waitFor(
    async () => {
      const { rows: marks } = await env.destination.query<{ keyset: string | null }>(
        `SELECT keyset FROM syncfleet.watermarks WHERE pipeline = 'orders'`,
      );
      const keyset = marks[0]?.keyset;
      return keyset ? (JSON.parse(keyset) as string[])[1] === expectedId : false;
    },
    { timeoutMs, intervalMs: 100, what: `the watermark to reach id ${expectedId}` },
  );
}

/** The destination equals the source row for row, and the ledger agrees with the watermark. */
export async function expectConsistent(env: SyncEnv, expect: (value: unknown) => { toEqual: (v: unknown) => void }): Promise<void> {
  expect(await env.rowsOf(env.destination, 'public.orders')).toEqual(await env.rowsOf(env.source, 'public.orders'));
  const { rows } = await env.destination.query<{ pending: string }>(
    `SELECT count(*)::text AS pending FROM syncfleet.ledger WHERE pipeline = 'orders' AND checkpointed_at IS NULL`,
  );
  expect(rows[0]!.pending).toEqual('0');
}

export async function ledgerCount(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM syncfleet.ledger`).catch(() => ({ rows: [{ n: '0' }] }));
  return Number(rows[0]!.n);
}
