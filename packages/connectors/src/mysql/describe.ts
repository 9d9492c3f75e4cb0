import type mysql from 'mysql2/promise';
import { SyncfleetError } from '@syncfleet/core';
import type { MysqlColumnType } from './types.ts';
import { quoteMysqlIdent, quoteMysqlQualified, splitMysqlQualified } from './identifiers.ts';

export interface MysqlColumn extends MysqlColumnType {
  readonly name: string;
}

export interface MysqlRelation {
  readonly table?: string | undefined;
  readonly query?: string | undefined;
  readonly columns?: readonly string[] | undefined;
}

export function mysqlRelationSql(relation: MysqlRelation): string {
  return relation.table !== undefined ? quoteMysqlQualified(relation.table) : `(${relation.query}) AS \`sf_source\``;
}

/**
 * The columns of a table, or of a query (through an empty temporary table on one connection),
 * as `SHOW FULL COLUMNS` prints them, with MariaDB's JSON columns (LONGTEXT + json_valid check)
 * recognised from the table's check constraints.
 */
export async function describeMysqlRelation(pool: mysql.Pool, relation: MysqlRelation): Promise<MysqlColumn[]> {
  const projection = relation.columns ? relation.columns.map(quoteMysqlIdent).join(', ') : '*';
  const connection = await pool.getConnection();
  try {
    let target: string;
    let jsonColumns = new Set<string>();
    if (relation.table !== undefined && relation.columns === undefined) {
      target = quoteMysqlQualified(relation.table);
      jsonColumns = await jsonColumnsOf(connection, relation.table);
    } else {
      await connection.query('DROP TEMPORARY TABLE IF EXISTS `sf_describe`');
      await connection.query(`CREATE TEMPORARY TABLE \`sf_describe\` AS SELECT ${projection} FROM ${mysqlRelationSql(relation)} LIMIT 0`);
      target = '`sf_describe`';
      if (relation.table !== undefined) jsonColumns = await jsonColumnsOf(connection, relation.table);
    }
    const [rows] = await connection.query<mysql.RowDataPacket[]>(`SHOW FULL COLUMNS FROM ${target}`);
    if (target === '`sf_describe`') await connection.query('DROP TEMPORARY TABLE `sf_describe`');
    return rows.map((row) => ({
      name: String(row.Field),
      type: String(row.Type).toLowerCase(),
      collation: row.Collation === null || row.Collation === undefined ? null : String(row.Collation),
      json: jsonColumns.has(String(row.Field)),
    }));
  } catch (error) {
    if (error instanceof SyncfleetError) throw error;
    throw new SyncfleetError('SOURCE_SCHEMA', `cannot read source ${relation.table ?? 'query'}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that the table (or query) exists and that every listed column is spelled as in the database',
    });
  } finally {
    connection.release();
  }
}

async function jsonColumnsOf(connection: mysql.PoolConnection, table: string): Promise<Set<string>> {
  const parts = splitMysqlQualified(table);
  const [rows] = await connection.query<mysql.RowDataPacket[]>(
    `SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
     WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CHECK_CLAUSE LIKE 'json\\_valid(%'`,
    parts.length === 2 ? [parts[0], parts[1]] : [null, parts[0]],
  );
  const names = new Set<string>();
  for (const row of rows) {
    const match = /^json_valid\(`((?:[^`]|``)+)`\)$/.exec(String(row.clause));
    if (match) names.add(match[1]!.replace(/``/g, '`'));
  }
  return names;
}
