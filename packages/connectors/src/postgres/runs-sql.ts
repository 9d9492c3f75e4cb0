import type pg from 'pg';
import type { RunCounters } from '@syncfleet/core';

/** Run history: one row per `run` and per producer scan, opened at start and closed at the end. */
export async function openRun(pool: pg.Pool, pipeline: string, kind: 'run' | 'scan'): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO syncfleet.runs (pipeline, kind, started_at, outcome) VALUES ($1, $2, now(), 'running') RETURNING id`,
    [pipeline, kind],
  );
  return rows[0]!.id;
}

export async function closeRun(
  pool: pg.Pool,
  id: string,
  counters: RunCounters,
  outcome: 'succeeded' | 'failed',
  error: string | null,
): Promise<void> {
  await pool.query(
    `UPDATE syncfleet.runs SET finished_at = now(), extracted = $2, loaded = $3, unchanged = $4, quarantined = $5,
       retried = $6, dead = $7, batches = $8, outcome = $9, error = $10 WHERE id = $1`,
    [id, counters.extracted, counters.loaded, counters.unchanged, counters.quarantined, counters.retried, counters.dead, counters.batches, outcome, error],
  );
}

export interface RunRecord {
  readonly pipeline: string;
  readonly kind: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly extracted: string;
  readonly loaded: string;
  readonly unchanged: string;
  readonly quarantined: string;
  readonly outcome: string | null;
  readonly error: string | null;
}

export async function recentRuns(pool: pg.Pool, pipeline: string, limit: number): Promise<RunRecord[]> {
  const { rows } = await pool.query<RunRecord>(
    `SELECT pipeline, kind, started_at, finished_at, extracted, loaded, unchanged, quarantined, outcome, error
     FROM syncfleet.runs WHERE pipeline = $1 ORDER BY started_at DESC LIMIT $2`,
    [pipeline, limit],
  );
  return rows;
}
