import type pg from 'pg';
import { SyncfleetError, reachableWatermarks, type LedgerEdge } from '@syncfleet/core';
import { parsePgTextArray } from './text-array.ts';

/**
 * The checkpoint's database half. All keyset ordering happens here, in SQL, with each value
 * cast to its column's type: `["2024-01-01 00:00:00.000001+00","10"]` must sort by time and
 * number, not as text.
 */

/** `(($1::jsonb->>0)::t0, ($1::jsonb->>1)::t1, …)` for a keyset held in a text expression. */
function typedKeysetParts(expression: string, types: readonly string[]): string[] {
  return types.map((type, index) => `((${expression})::jsonb->>${index})::${type}`);
}

function typedKeyset(expression: string, types: readonly string[]): string {
  return `(${typedKeysetParts(expression, types).join(', ')})`;
}

export async function ensureWatermarkRow(client: pg.Pool | pg.PoolClient, pipeline: string, keysetTypes: readonly string[]): Promise<void> {
  await client.query(
    `INSERT INTO syncfleet.watermarks (pipeline, keyset, keyset_types, epoch) VALUES ($1, NULL, $2, gen_random_uuid()::text)
     ON CONFLICT (pipeline) DO UPDATE SET keyset_types = EXCLUDED.keyset_types
     WHERE syncfleet.watermarks.keyset_types IS DISTINCT FROM EXCLUDED.keyset_types`,
    [pipeline, keysetTypes],
  );
}

export interface WatermarkState {
  readonly keyset: string | null;
  /** Drawn when the watermark row is created; part of every batch id (see migration 0003). */
  readonly epoch: string;
  readonly keysetTypes: readonly string[];
  readonly advancedAt: string;
}

export async function readWatermark(client: pg.Pool | pg.PoolClient, pipeline: string): Promise<WatermarkState | null> {
  const { rows } = await client.query<{ keyset: string | null; epoch: string; keyset_types: string; advanced_at: string }>(
    'SELECT keyset, epoch, keyset_types, advanced_at FROM syncfleet.watermarks WHERE pipeline = $1',
    [pipeline],
  );
  const row = rows[0];
  if (!row) return null;
  return { keyset: row.keyset, epoch: row.epoch, keysetTypes: parsePgTextArray(row.keyset_types), advancedAt: row.advanced_at };
}

export interface AdvanceResult {
  readonly from: string | null;
  readonly to: string | null;
  readonly advanced: boolean;
}

/**
 * Moves the watermark over the contiguous prefix of committed batches, in one transaction:
 * read W, chain ledger entries from W, pick the furthest reachable keyset, write it only if
 * W is still what was read (fencing: a holder whose Redis lock expired mid-way cannot move
 * the watermark behind the new holder's back), and mark every entry at or below it done.
 */
export async function advanceWatermark(pool: pg.Pool, pipeline: string): Promise<AdvanceResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const state = await readWatermark(client, pipeline);
    if (state === null) {
      await client.query('COMMIT');
      return { from: null, to: null, advanced: false };
    }
    const { rows: edges } = await client.query<LedgerEdge>(
      'SELECT lo, hi FROM syncfleet.ledger WHERE pipeline = $1 AND checkpointed_at IS NULL',
      [pipeline],
    );
    const candidates = reachableWatermarks(state.keyset, edges);
    if (candidates.length === 0) {
      await client.query('COMMIT');
      return { from: state.keyset, to: state.keyset, advanced: false };
    }
    const { rows: furthest } = await client.query<{ k: string }>(
      `SELECT k FROM unnest($1::text[]) AS c(k) ORDER BY ${typedKeysetParts('k', state.keysetTypes)
        .map((part) => `${part} DESC`)
        .join(', ')} LIMIT 1`,
      [candidates],
    );
    const next = furthest[0]!.k;
    const update = await client.query(
      `UPDATE syncfleet.watermarks SET keyset = $2, advanced_at = now()
       WHERE pipeline = $1 AND keyset IS NOT DISTINCT FROM $3
         AND ($3::text IS NULL OR ${typedKeyset('$2::text', state.keysetTypes)} > ${typedKeyset('$3::text', state.keysetTypes)})`,
      [pipeline, next, state.keyset],
    );
    if (update.rowCount !== 1) {
      await client.query('ROLLBACK');
      throw new SyncfleetError('WATERMARK_CONFLICT', `watermark of ${pipeline} moved while it was being advanced`);
    }
    await client.query(
      `UPDATE syncfleet.ledger SET checkpointed_at = now()
       WHERE pipeline = $1 AND checkpointed_at IS NULL AND ${typedKeyset('hi', state.keysetTypes)} <= ${typedKeyset('$2::text', state.keysetTypes)}`,
      [pipeline, next],
    );
    await client.query('COMMIT');
    return { from: state.keyset, to: next, advanced: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
