import type pg from 'pg';
import type { BatchOutcome, BatchPayload, LedgerEdge, RunCounters } from '@syncfleet/core';
import type { Bookkeeping, KeysetOrder, QuarantinedRow } from '../connector.ts';
import { advanceInSourceOrder, type LedgerTransaction } from '../ledger-chain.ts';
import { advanceWatermark, ensureWatermarkRow, readWatermark, type AdvanceResult, type WatermarkState } from './checkpoint-sql.ts';
import { closeRun, openRun, recentRuns, type RunRecord } from './runs-sql.ts';
import { recordLedgerEntry } from './write-batch.ts';
import { parsePgTextArray } from './text-array.ts';

/**
 * The `syncfleet` schema of a Postgres database as a connector's bookkeeping: the destination
 * itself for a Postgres sink, the configured `state` database for sinks without transactions.
 * A thin adapter over checkpoint-sql.ts, runs-sql.ts and write-batch.ts.
 */
export class PostgresBookkeeping implements Bookkeeping {
  /** `pool` resolves to the database with its `syncfleet` schema migrated. */
  private readonly pool: () => Promise<pg.Pool>;

  constructor(pool: () => Promise<pg.Pool>) {
    this.pool = pool;
  }

  async ensureWatermark(pipeline: string, keysetTypes: readonly string[]): Promise<void> {
    await ensureWatermarkRow(await this.pool(), pipeline, keysetTypes);
  }

  async readWatermark(pipeline: string): Promise<WatermarkState | null> {
    return readWatermark(await this.pool(), pipeline);
  }

  async recordSkipped(payload: BatchPayload): Promise<void> {
    await recordLedgerEntry(await this.pool(), payload, 'skipped', {
      extracted: payload.rows.length,
      loaded: 0,
      unchanged: 0,
      quarantined: 0,
      duplicate: false,
    });
  }

  /** For sinks outside this database: was the batch already written? (A `skipped` one was not.) */
  async hasLedgerEntry(pipeline: string, batchId: string): Promise<boolean> {
    const { rowCount } = await (await this.pool()).query("SELECT 1 FROM syncfleet.ledger WHERE pipeline = $1 AND batch_id = $2 AND status = 'committed'", [
      pipeline,
      batchId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async recordCommitted(payload: BatchPayload, outcome: BatchOutcome): Promise<void> {
    await recordLedgerEntry(await this.pool(), payload, 'committed', outcome);
  }

  async recordQuarantine(payload: BatchPayload, rows: readonly QuarantinedRow[]): Promise<void> {
    const pool = await this.pool();
    for (const row of rows) {
      await pool.query(
        `INSERT INTO syncfleet.quarantine (pipeline, batch_id, row_key, payload, error, sqlstate)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pipeline, batch_id, row_key) DO NOTHING`,
        [payload.pipeline, payload.batchId, JSON.stringify(row.key), JSON.stringify(row.payload), row.error, row.code],
      );
    }
  }

  /**
   * A Postgres source's keyset types cast in this database, so the existing single-statement
   * checkpoint applies; any other source orders its own keysets.
   */
  async advanceWatermark(pipeline: string, order: KeysetOrder): Promise<AdvanceResult> {
    const pool = await this.pool();
    if (order.dialect === 'postgres') return advanceWatermark(pool, pipeline);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await advanceInSourceOrder(postgresLedgerTransaction(client), pipeline, order);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async openRun(pipeline: string, kind: 'run' | 'scan'): Promise<string> {
    return openRun(await this.pool(), pipeline, kind);
  }

  async closeRun(id: string, counters: RunCounters, outcome: 'succeeded' | 'failed', error: string | null): Promise<void> {
    await closeRun(await this.pool(), id, counters, outcome, error);
  }

  async recentRuns(pipeline: string, limit: number): Promise<RunRecord[]> {
    return recentRuns(await this.pool(), pipeline, limit);
  }
}

function postgresLedgerTransaction(client: pg.PoolClient): LedgerTransaction {
  return {
    async lockWatermark(pipeline) {
      const { rows } = await client.query<{ keyset: string | null; epoch: string; keyset_types: string; advanced_at: string }>(
        'SELECT keyset, epoch, keyset_types, advanced_at FROM syncfleet.watermarks WHERE pipeline = $1 FOR UPDATE',
        [pipeline],
      );
      const row = rows[0];
      return row ? { keyset: row.keyset, epoch: row.epoch, keysetTypes: parsePgTextArray(row.keyset_types), advancedAt: row.advanced_at } : null;
    },
    async pendingEdges(pipeline) {
      const { rows } = await client.query<LedgerEdge>(
        'SELECT lo, hi FROM syncfleet.ledger WHERE pipeline = $1 AND checkpointed_at IS NULL',
        [pipeline],
      );
      return rows;
    },
    async moveWatermark(pipeline, from, to) {
      const result = await client.query(
        'UPDATE syncfleet.watermarks SET keyset = $2, advanced_at = now() WHERE pipeline = $1 AND keyset IS NOT DISTINCT FROM $3',
        [pipeline, to, from],
      );
      return result.rowCount === 1;
    },
    async markCheckpointed(pipeline, his) {
      await client.query(
        'UPDATE syncfleet.ledger SET checkpointed_at = now() WHERE pipeline = $1 AND checkpointed_at IS NULL AND hi = ANY($2::text[])',
        [pipeline, his],
      );
    },
  };
}
