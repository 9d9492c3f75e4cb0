import type mysql from 'mysql2/promise';
import {
  SyncfleetError,
  type BatchOutcome,
  type BatchPayload,
  type BatchRow,
  type MysqlDestinationConfig,
  type ResolvedPipeline,
  writtenOutcome,
} from '@syncfleet/core';
import type { PrepareOptions, QuarantinedRow, SinkConnector } from '../connector.ts';
import type { WriteBatchHooks } from '../postgres/write-batch.ts';
import { MysqlBookkeeping, recordMysqlLedgerEntry, recordMysqlQuarantine } from './bookkeeping.ts';
import { MysqlError, isMysqlRowLevelFailure, mysqlCall } from './errors.ts';
import { quoteMysqlIdent, quoteMysqlQualified, splitMysqlQualified } from './identifiers.ts';
import type { MysqlPoolRegistry } from './pool-registry.ts';
import { mysqlTypeOf } from './types.ts';
import { buildMysqlUpsertSql, writtenRows } from './upsert-sql.ts';

/** Bind parameters per statement stay well under the protocol's 65,535. */
const MAX_PARAMETERS = 30_000;
const MAX_ROWS_PER_STATEMENT = 1000;

/**
 * A MySQL/MariaDB table as a sink. A batch, its ledger entry and its quarantined rows commit in
 * one InnoDB transaction. The ledger row is inserted first: a twin delivery of the same batch
 * blocks on that row's lock until the first commits, then finds it and does nothing.
 */
export function createMysqlSink(config: MysqlDestinationConfig, pipeline: ResolvedPipeline, pools: MysqlPoolRegistry): SinkConnector {
  const pool = () => pools.destination(config.url);
  const table = quoteMysqlQualified(config.table);
  let columnTypes: Promise<Map<string, string>> | undefined;
  const destinationTypes = () => {
    columnTypes ??= pool().then((p) => describeDestination(p, config.table));
    columnTypes.catch(() => (columnTypes = undefined));
    return columnTypes;
  };
  return {
    kind: 'mysql',
    bookkeeping: new MysqlBookkeeping(pool),
    async prepare(options: PrepareOptions) {
      const destination = await pool();
      const existing = await describeDestination(destination, config.table).catch(() => null);
      if (existing === null || existing.size === 0) {
        if (!options.create) {
          throw new SyncfleetError('DESTINATION_SCHEMA', `destination ${config.table} does not exist`, {
            hint: `create it with the columns your transform returns and a primary key on (${options.key.join(', ')})`,
          });
        }
        await mysqlCall(() => destination.query(createTableSql(table, options)));
        return;
      }
      await checkDestination(destination, config.table, existing, options);
    },
    async write(payload, hooks) {
      const types = await destinationTypes();
      const connection = await (await pool()).getConnection();
      try {
        return await mysqlCall(() => writeMysqlBatch(connection, table, types, payload, { pipeline, config }, hooks));
      } finally {
        connection.release();
      }
    },
  };
}

async function writeMysqlBatch(
  connection: mysql.PoolConnection,
  table: string,
  types: ReadonlyMap<string, string>,
  payload: BatchPayload,
  shape: { pipeline: ResolvedPipeline; config: MysqlDestinationConfig },
  hooks: WriteBatchHooks = {},
): Promise<BatchOutcome> {
  await connection.beginTransaction();
  try {
    const fresh = await recordMysqlLedgerEntry(connection, payload, 'committed', {
      extracted: payload.rows.length,
      loaded: 0,
      unchanged: 0,
      quarantined: 0,
      duplicate: false,
    });
    if (!fresh) {
      await connection.commit();
      return { extracted: payload.rows.length, loaded: 0, unchanged: 0, quarantined: 0, duplicate: true };
    }
    const convert = payload.columns.map((column) => converterFor(types.get(column)));
    const rows = payload.rows.map((row) => row.map((value, index) => (value === null ? null : convert[index]!(value))));
    const quarantined: QuarantinedRow[] = [];
    const keyPositions = shape.pipeline.source.key.map((column) => payload.columns.indexOf(column));
    let loaded = 0;
    let first = true;
    // InnoDB rolls back a failed statement as a whole, so bisecting needs no savepoints.
    const load = async (chunk: readonly unknown[][], raw: readonly BatchRow[]): Promise<void> => {
      const sql = buildMysqlUpsertSql({
        table,
        columns: payload.columns,
        key: shape.pipeline.source.key,
        cursor: shape.pipeline.source.cursor,
        conflict: shape.config.conflict,
        rowCount: chunk.length,
      });
      try {
        const [result] = await connection.query<mysql.ResultSetHeader>(sql, chunk.flat());
        loaded += writtenRows(chunk.length, result.affectedRows, result.info ?? '');
      } catch (error) {
        if (!isMysqlRowLevelFailure(error)) throw error;
        if (chunk.length === 1) {
          const failure = new MysqlError(error);
          quarantined.push({
            payload: Object.fromEntries(payload.columns.map((column, index) => [column, raw[0]![index] ?? null])),
            key: keyPositions.map((position) => raw[0]![position] ?? null),
            error: failure.message,
            code: failure.code,
          });
          return;
        }
        const middle = Math.ceil(chunk.length / 2);
        await load(chunk.slice(0, middle), raw.slice(0, middle));
        await load(chunk.slice(middle), raw.slice(middle));
      }
      if (first) {
        first = false;
        await hooks.afterCopy?.();
      }
    };
    const perStatement = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMETERS / Math.max(1, payload.columns.length))));
    for (let start = 0; start < rows.length; start += perStatement) {
      await load(rows.slice(start, start + perStatement), payload.rows.slice(start, start + perStatement));
    }
    if (quarantined.length > 0) await recordMysqlQuarantine(connection, payload, quarantined);
    const outcome = writtenOutcome(payload.rows.length, loaded, quarantined.length);
    await connection.query('UPDATE syncfleet_ledger SET loaded = ?, unchanged = ?, quarantined = ? WHERE pipeline = ? AND batch_id = ?', [
      outcome.loaded,
      outcome.unchanged,
      outcome.quarantined,
      payload.pipeline,
      payload.batchId,
    ]);
    await connection.commit();
    return outcome;
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  }
}

/**
 * Text forms from other systems into what MySQL parses, by destination column type: Postgres
 * prints `timestamptz` with `+00` (sessions run in UTC, so the offset is always zero), booleans
 * as t/f, and binary as `\x…` hex.
 */
function converterFor(dataType: string | undefined): (value: string) => unknown {
  switch (dataType) {
    case 'datetime':
    case 'timestamp':
      return (value) => value.replace('T', ' ').replace(/(?:Z|[+-]00(?::?00)?)$/, '');
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
    case 'bit':
      return (value) => (value === 't' || value === 'true' ? '1' : value === 'f' || value === 'false' ? '0' : value);
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return (value) => (/^\\x(?:[0-9a-fA-F]{2})*$/.test(value) ? Buffer.from(value.slice(2), 'hex') : value);
    default:
      return (value) => value;
  }
}

async function describeDestination(pool: mysql.Pool, table: string): Promise<Map<string, string>> {
  const parts = splitMysqlQualified(table);
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    parts.length === 2 ? [parts[0], parts[1]] : [null, parts[0]],
  );
  return new Map(rows.map((row) => [String(row.name), String(row.type).toLowerCase()]));
}

function createTableSql(table: string, options: PrepareOptions): string {
  const { description, key } = options;
  const definitions = description.columns.map((column) => {
    const isKey = key.includes(column.name);
    const type = description.dialect === 'mysql' ? column.type : mysqlTypeOf(column.logical, isKey);
    return `${quoteMysqlIdent(column.name)} ${type}${isKey ? ' NOT NULL' : ' NULL'}`;
  });
  // A binary collation: keys compare like Postgres text, so 'a' and 'A' stay two rows.
  return (
    `CREATE TABLE IF NOT EXISTS ${table} (${definitions.join(', ')}, PRIMARY KEY (${key.map(quoteMysqlIdent).join(', ')})) ` +
    'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'
  );
}

async function checkDestination(pool: mysql.Pool, table: string, existing: Map<string, string>, options: PrepareOptions): Promise<void> {
  if (options.create) {
    const missing = options.description.columns.filter((column) => !existing.has(column.name)).map((column) => column.name);
    if (missing.length > 0) {
      throw new SyncfleetError('DESTINATION_SCHEMA', `destination ${table} lacks column(s) ${missing.join(', ')}`, {
        hint: `add them (ALTER TABLE ${table} ADD COLUMN …) or leave them out of source.columns`,
      });
    }
  }
  const parts = splitMysqlQualified(table);
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY COLUMN_NAME SEPARATOR ',') AS columns
     FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0 GROUP BY INDEX_NAME`,
    parts.length === 2 ? [parts[0], parts[1]] : [null, parts[0]],
  );
  const wanted = [...options.key].sort().join(',');
  if (!rows.some((row) => String(row.columns) === wanted)) {
    throw new SyncfleetError('DESTINATION_SCHEMA', `destination ${table} has no primary key or unique index on (${options.key.join(', ')})`, {
      hint: `create one: ALTER TABLE ${table} ADD PRIMARY KEY (${options.key.join(', ')}) — upserts need it`,
    });
  }
}
