import type { LogicalType } from '../connector.ts';

/**
 * MySQL/MariaDB column types (`SHOW FULL COLUMNS` spelling, e.g. `bigint(20) unsigned`,
 * `datetime(6)`) to and from the neutral names in connector.ts, and the casts that make a text
 * value compare in a column's own type.
 */
export interface MysqlColumnType {
  /** `COLUMN_TYPE`, lower case. */
  readonly type: string;
  /** Collation of a string column, else null. */
  readonly collation: string | null;
  /** True for a LONGTEXT that a `json_valid` check constrains (MariaDB's JSON). */
  readonly json?: boolean;
}

export function logicalTypeOfMysql(column: MysqlColumnType): LogicalType {
  const t = column.type.toLowerCase();
  const unsigned = t.includes('unsigned');
  const base = /^([a-z]+)/.exec(t)?.[1] ?? t;
  const args = /^\w+\(([^)]*)\)/.exec(t)?.[1];
  if (column.json || base === 'json') return 'json';
  switch (base) {
    case 'tinyint':
      return 'int16';
    case 'smallint':
      return unsigned ? 'int32' : 'int16';
    case 'mediumint':
      return 'int32';
    case 'int':
    case 'integer':
      return unsigned ? 'int64' : 'int32';
    case 'bigint':
      return unsigned ? 'uint64' : 'int64';
    case 'decimal':
    case 'numeric':
      return args ? `decimal(${args.replace(/\s/g, '')})` : 'decimal(10,0)';
    case 'float':
      return 'float32';
    case 'double':
    case 'real':
      return 'float64';
    case 'char':
    case 'varchar':
      return args ? `varchar(${args})` : 'text';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'datetime':
      return `timestamp(${args ?? 0})`;
    case 'timestamp':
      return `timestamptz(${args ?? 0})`;
    case 'year':
      return 'int16';
    case 'bit':
      return 'int64';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'bytes';
    case 'uuid':
      return 'uuid';
    default:
      return 'text';
  }
}

/**
 * The DDL type for a column of a table the sink creates. `timestamptz` becomes DATETIME holding
 * UTC (TIMESTAMP stops in 2038); text key columns get a bounded VARCHAR because an index needs
 * a length.
 */
export function mysqlTypeOf(logical: LogicalType, isKey: boolean): string {
  const [, name, args] = /^([a-z0-9]+)(?:\((.*)\))?$/.exec(logical) ?? [];
  switch (name) {
    case 'int16':
      return 'SMALLINT';
    case 'int32':
      return 'INT';
    case 'int64':
      return 'BIGINT';
    case 'uint64':
      return 'BIGINT UNSIGNED';
    case 'decimal': {
      if (!args) return 'DECIMAL(65,30)';
      const [precision, scale] = args.split(',').map(Number);
      return `DECIMAL(${Math.min(precision ?? 65, 65)},${Math.min(scale ?? 0, 30)})`;
    }
    case 'float32':
      return 'FLOAT';
    case 'float64':
      return 'DOUBLE';
    case 'boolean':
      return 'TINYINT(1)';
    case 'varchar':
      return args && Number(args) <= 16_383 ? `VARCHAR(${args})` : 'LONGTEXT';
    case 'json':
      return 'JSON';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME(6)';
    case 'timestamp':
    case 'timestamptz':
      return `DATETIME(${Math.min(Number(args ?? 6), 6)})`;
    case 'bytes':
      return isKey ? 'VARBINARY(255)' : 'LONGBLOB';
    case 'uuid':
      return 'CHAR(36)';
    default:
      return isKey ? 'VARCHAR(255)' : 'LONGTEXT';
  }
}

/**
 * A keyset type as stored with the watermark: the column type, plus the collation for strings,
 * since a string's order is its collation's (`varchar(64) collate utf8mb4_general_ci`).
 */
export function keysetTypeOf(column: MysqlColumnType): string {
  return column.collation ? `${column.type} collate ${column.collation}` : column.type;
}

/** SQL that turns text `expression` into a value of keyset type `type`, for comparisons. */
export function castToKeysetType(expression: string, type: string): string {
  const t = type.toLowerCase();
  const collation = /\bcollate (\w+)$/.exec(t)?.[1];
  if (collation) return `CAST(${expression} AS CHAR CHARACTER SET utf8mb4) COLLATE ${collation}`;
  const base = /^([a-z]+)/.exec(t)?.[1] ?? t;
  const args = /^\w+\(([^)]*)\)/.exec(t)?.[1];
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'year':
      return `CAST(${expression} AS ${t.includes('unsigned') ? 'UNSIGNED' : 'SIGNED'})`;
    case 'decimal':
    case 'numeric':
      return `CAST(${expression} AS DECIMAL(${args ?? '65,30'}))`;
    case 'float':
    case 'double':
    case 'real':
      return `CAST(${expression} AS DOUBLE)`;
    case 'date':
      return `CAST(${expression} AS DATE)`;
    case 'time':
      return `CAST(${expression} AS TIME(6))`;
    case 'datetime':
    case 'timestamp':
      return `CAST(${expression} AS DATETIME(6))`;
    default:
      return `CAST(${expression} AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin`;
  }
}

/** Binary values travel as Postgres's hex text form, `\x…`, so any sink reads them. */
export function isBinaryType(type: string): boolean {
  return /^(binary|varbinary|tinyblob|blob|mediumblob|longblob)\b/.test(type.toLowerCase());
}
