import { randomUUID } from 'node:crypto';
import { ledgerEntryValues } from '@syncfleet/core';
import { createHash } from 'node:crypto';
import type mysql from 'mysql2/promise';
import type { BatchOutcome, BatchPayload, RunCounters } from '@syncfleet/core';
import type { Bookkeeping, KeysetOrder, QuarantinedRow } from '../connector.ts';
import { advanceInSourceOrder } from '../ledger-chain.ts';
import type { AdvanceResult, WatermarkState } from '../postgres/checkpoint-sql.ts';
import type { RunRecord } from '../postgres/runs-sql.ts';
import { mysqlCall } from './errors.ts';

type Executor = Pick<mysql.Pool, 'query'> | Pick<mysql.PoolConnection, 'query'>;

/**
 * The `syncfleet_*` tables of a MySQL/MariaDB destination (bookkeeping-schema.ts) as a
 * connector's bookkeeping. The checkpoint is advanceInSourceOrder: the source orders keysets.
 */
export class MysqlBookkeeping implements Bookkeeping {
  private readonly pool: () => Promise<mysql.Pool>;

  constructor(pool: () => Promise<mysql.Pool>) {
    this.pool = pool;
  }

  async ensureWatermark(pipeline: string, keysetTypes: readonly string[]): Promise<void> {
    const pool = await this.pool();
    await mysqlCall(() =>
      pool.query(
        `INSERT INTO syncfleet_watermarks (pipeline, keyset, epoch, keyset_types) VALUES (?, NULL, ?, ?)
         ON DUPLICATE KEY UPDATE keyset_types = VALUES(keyset_types)`,
        [pipeline, randomUUID(), JSON.stringify(keysetTypes)],
      ),
    );
  }

  async readWatermark(pipeline: string): Promise<WatermarkState | null> {
    return readMysqlWatermark(await this.pool(), pipeline, false);
  }

  async recordSkipped(payload: BatchPayload): Promise<void> {
    await recordMysqlLedgerEntry(await this.pool(), payload, 'skipped', {
      extracted: payload.rows.length,
      loaded: 0,
      unchanged: 0,
      quarantined: 0,
      duplicate: false,
    });
  }

  async recordQuarantine(payload: BatchPayload, rows: readonly QuarantinedRow[]): Promise<void> {
    await recordMysqlQuarantine(await this.pool(), payload, rows);
  }

  async advanceWatermark(pipeline: string, order: KeysetOrder): Promise<AdvanceResult> {
    const connection = await (await this.pool()).getConnection();
    try {
      await connection.beginTransaction();
      const result = await advanceInSourceOrder(
        {
          lockWatermark: (name) => readMysqlWatermark(connection, name, true),
          async pendingEdges(name) {
            const [rows] = await connection.query<mysql.RowDataPacket[]>(
              'SELECT lo, hi FROM syncfleet_ledger WHERE pipeline = ? AND checkpointed_at IS NULL',
              [name],
            );
            return rows.map((row) => ({ lo: row.lo === null ? null : String(row.lo), hi: String(row.hi) }));
          },
          async moveWatermark(name, from, to) {
            const [result] = await connection.query<mysql.ResultSetHeader>(
              'UPDATE syncfleet_watermarks SET keyset = ?, advanced_at = UTC_TIMESTAMP(6) WHERE pipeline = ? AND keyset <=> ?',
              [to, name, from],
            );
            return result.affectedRows === 1;
          },
          async markCheckpointed(name, his) {
            if (his.length === 0) return;
            await connection.query(
              `UPDATE syncfleet_ledger SET checkpointed_at = UTC_TIMESTAMP(6)
               WHERE pipeline = ? AND checkpointed_at IS NULL AND hi IN (${his.map(() => '?').join(', ')})`,
              [name, ...his],
            );
          },
        },
        pipeline,
        order,
      );
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  async openRun(pipeline: string, kind: 'run' | 'scan'): Promise<string> {
    const [result] = await (await this.pool()).query<mysql.ResultSetHeader>(
      `INSERT INTO syncfleet_runs (pipeline, kind, started_at, outcome) VALUES (?, ?, UTC_TIMESTAMP(6), 'running')`,
      [pipeline, kind],
    );
    return String(result.insertId);
  }

  async closeRun(id: string, counters: RunCounters, outcome: 'succeeded' | 'failed', error: string | null): Promise<void> {
    await (await this.pool()).query(
      `UPDATE syncfleet_runs SET finished_at = UTC_TIMESTAMP(6), extracted = ?, loaded = ?, unchanged = ?, quarantined = ?,
         retried = ?, dead = ?, batches = ?, outcome = ?, \`error\` = ? WHERE id = ?`,
      [counters.extracted, counters.loaded, counters.unchanged, counters.quarantined, counters.retried, counters.dead, counters.batches, outcome, error, id],
    );
  }

  async recentRuns(pipeline: string, limit: number): Promise<RunRecord[]> {
    const [rows] = await (await this.pool()).query<mysql.RowDataPacket[]>(
      `SELECT pipeline, kind, started_at, finished_at, extracted, loaded, unchanged, quarantined, outcome, \`error\`
       FROM syncfleet_runs WHERE pipeline = ? ORDER BY started_at DESC LIMIT ?`,
      [pipeline, limit],
    );
    return rows as RunRecord[];
  }
}

async function readMysqlWatermark(executor: Executor, pipeline: string, forUpdate: boolean): Promise<WatermarkState | null> {
  const [rows] = await executor.query<mysql.RowDataPacket[]>(
    `SELECT keyset, epoch, keyset_types, advanced_at FROM syncfleet_watermarks WHERE pipeline = ?${forUpdate ? ' FOR UPDATE' : ''}`,
    [pipeline],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    keyset: row.keyset === null ? null : String(row.keyset),
    epoch: String(row.epoch),
    keysetTypes: JSON.parse(String(row.keyset_types)) as string[],
    advancedAt: String(row.advanced_at),
  };
}

export async function recordMysqlLedgerEntry(
  executor: Executor,
  payload: BatchPayload,
  status: 'committed' | 'skipped',
  outcome: BatchOutcome,
): Promise<boolean> {
  const [result] = await executor.query<mysql.ResultSetHeader>(
    `INSERT INTO syncfleet_ledger
       (pipeline, batch_id, scan_id, seq, lo, hi, content_hash, status, extracted, loaded, unchanged, quarantined)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON DUPLICATE KEY UPDATE status = IF(status = 'skipped' AND VALUES(status) = 'committed', 'committed', status)`,
    ledgerEntryValues(payload, status, outcome),
  );
  // 1: inserted; 2: a replay upgraded a `skipped` entry (its rows are still to be written);
  // 0: the entry exists as it is (FOUND_ROWS is off, see connection.ts).
  return result.affectedRows >= 1;
}

export async function recordMysqlQuarantine(executor: Executor, payload: BatchPayload, rows: readonly QuarantinedRow[]): Promise<void> {
  for (const row of rows) {
    const key = JSON.stringify(row.key);
    await executor.query(
      `INSERT INTO syncfleet_quarantine (pipeline, batch_id, row_key, row_key_hash, payload, \`error\`, \`sqlstate\`)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id`,
      [payload.pipeline, payload.batchId, key, createHash('sha256').update(key).digest('hex'), JSON.stringify(row.payload), row.error, row.code],
    );
  }
}
