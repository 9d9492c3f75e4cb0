import type mysql from 'mysql2/promise';
import { SyncfleetError, keysetOfRow, type BatchRow, type MysqlSourceConfig } from '@syncfleet/core';
import type { ScanRequest, SourceConnector, SourceDescription, SourcePage } from '../connector.ts';
import { describeMysqlRelation, mysqlRelationSql, type MysqlColumn } from './describe.ts';
import { mysqlCall } from './errors.ts';
import { quoteMysqlIdent } from './identifiers.ts';
import type { MysqlPoolRegistry } from './pool-registry.ts';
import { castToKeysetType, isBinaryType, keysetTypeOf, logicalTypeOfMysql } from './types.ts';

/**
 * A MySQL/MariaDB table or query as a source. Pages are index-driven keyset queries like the
 * Postgres source's; every bound value is cast to its column's type (and collation) in SQL, so
 * a BIGINT UNSIGNED is never compared as a double, nor a string in the wrong collation.
 */
export function createMysqlSource(config: MysqlSourceConfig, pools: MysqlPoolRegistry): SourceConnector {
  const pool = () => pools.get(config.url);
  const keysetNames = [config.cursor, ...config.key];
  return {
    kind: 'mysql',
    dialect: 'mysql',
    async describe(): Promise<SourceDescription> {
      const columns = await describeMysqlRelation(pool(), config);
      const byName = new Map(columns.map((column) => [column.name, column]));
      for (const required of keysetNames) {
        if (!byName.has(required)) {
          throw new SyncfleetError('SOURCE_SCHEMA', `source has no column "${required}"`, {
            hint: `the source's columns are ${columns.map((column) => column.name).join(', ')} — fix source.key / source.cursor`,
          });
        }
        if (isBinaryType(byName.get(required)!.type)) {
          throw new SyncfleetError('SOURCE_SCHEMA', `source column "${required}" is binary and cannot be part of the keyset`, {
            hint: 'use a numeric, temporal or string column as the cursor and key',
          });
        }
      }
      return {
        dialect: 'mysql',
        columns: columns.map((column) => ({ name: column.name, type: column.type, logical: logicalTypeOfMysql(column) })),
        keysetTypes: keysetNames.map((name) => keysetTypeOf(byName.get(name)!)),
      };
    },
    async cursorBound(description, lagMs) {
      const type = description.keysetTypes[0]!;
      if (!/^(datetime|timestamp|date)\b/.test(type)) return null;
      // Sessions run in UTC (connection.ts): DATETIME cursors are taken to hold UTC.
      const target = type.startsWith('date') && !type.startsWith('datetime') ? 'DATE' : `DATETIME(${/\((\d)\)/.exec(type)?.[1] ?? 0})`;
      const [rows] = await mysqlCall(() =>
        pool().query<mysql.RowDataPacket[]>(`SELECT CAST(UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND AS ${target}) AS bound`, [
          Math.round(lagMs * 1000),
        ]),
      );
      return String(rows[0]!.bound);
    },
    scan: (description, request) => scanPages(pool(), config, description, request),
    async orderKeysets(keysets, types) {
      if (keysets.length <= 1) return [...keysets];
      const distinct = [...new Set(keysets)];
      const arrays = distinct.map((keyset) => JSON.parse(keyset) as string[]);
      const columns = types.map((_, index) => `c${index} LONGTEXT CHARACTER SET utf8mb4 PATH '$[${index}]'`).join(', ');
      const order = types.map((type, index) => castToKeysetType(`j.c${index}`, type)).join(', ');
      const [rows] = await mysqlCall(() =>
        pool().query<mysql.RowDataPacket[]>(
          `SELECT j.i AS i FROM JSON_TABLE(?, '$[*]' COLUMNS (i FOR ORDINALITY, ${columns})) AS j ORDER BY ${order}`,
          [JSON.stringify(arrays)],
        ),
      );
      return rows.map((row) => distinct[Number(row.i) - 1]!);
    },
    async diagnose() {
      const [rows] = await mysqlCall(() =>
        pool().query<mysql.RowDataPacket[]>(
          `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${mysqlRelationSql(config)} WHERE ${quoteMysqlIdent(config.cursor)} IS NULL LIMIT 1000) AS nulls`,
        ),
      );
      const nulls = Number(rows[0]!.n);
      return nulls > 0
        ? [`${nulls} source row(s) with NULL ${config.cursor} are never synced — make the cursor column NOT NULL or backfill it`]
        : [];
    },
  };
}

/**
 * `(cursor, key…) > after` written out as nested ORs behind a `cursor >= ?` prefix: MariaDB
 * plans row-constructor comparisons poorly, and the prefix alone gives it an index range.
 */
function afterClause(names: readonly string[], types: readonly string[], after: readonly string[], values: unknown[]): string {
  const typed = (index: number) => {
    values.push(after[index]);
    return castToKeysetType('?', types[index]!);
  };
  const build = (index: number): string => {
    const column = quoteMysqlIdent(names[index]!);
    if (index === names.length - 1) return `${column} > ${typed(index)}`;
    const greater = `${column} > ${typed(index)}`;
    const equal = `${column} = ${typed(index)}`;
    return `(${greater} OR (${equal} AND ${build(index + 1)}))`;
  };
  const prefix = `${quoteMysqlIdent(names[0]!)} >= ${typed(0)}`;
  return `${prefix} AND ${build(0)}`;
}

async function* scanPages(
  pool: mysql.Pool,
  config: MysqlSourceConfig,
  description: SourceDescription,
  request: ScanRequest,
): AsyncGenerator<SourcePage> {
  const names = [config.cursor, ...config.key];
  const positions = names.map((name) => description.columns.findIndex((column) => column.name === name));
  const select = description.columns
    .map((column) => {
      const name = quoteMysqlIdent(column.name);
      if (isBinaryType(column.type)) return `CONCAT('\\\\x', LOWER(HEX(${name}))) AS ${name}`;
      if (column.type.startsWith('bit')) return `CAST(${name} AS UNSIGNED) AS ${name}`;
      return name;
    })
    .join(', ');
  const order = names.map(quoteMysqlIdent).join(', ');
  let after = request.after;
  for (;;) {
    const values: unknown[] = [];
    const where: string[] = [];
    if (after !== null) where.push(afterClause(names, description.keysetTypes, after, values));
    if (request.cursorBound !== null) {
      values.push(request.cursorBound);
      where.push(`${quoteMysqlIdent(config.cursor)} <= ${castToKeysetType('?', description.keysetTypes[0]!)}`);
    }
    const sql =
      `SELECT ${select} FROM ${mysqlRelationSql(config)}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY ${order} LIMIT ${Math.trunc(request.batchSize)}`;
    const [rows] = await mysqlCall(() => pool.query<mysql.RowDataPacket[]>({ sql, values, rowsAsArray: true }));
    const page = rows as unknown as BatchRow[];
    if (page.length === 0) return;
    const hi = keysetOfRow(page[page.length - 1]!, positions);
    yield { rows: page, hi };
    if (page.length < request.batchSize) return;
    after = hi;
  }
}

export type { MysqlColumn };
