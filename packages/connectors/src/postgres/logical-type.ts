import type { LogicalType } from '../connector.ts';

/**
 * Postgres types to and from the neutral names in connector.ts: what lets a Postgres table be
 * created from a MariaDB source and the other way round. Exotic types fall back to text, which
 * both systems can hold without loss.
 */
export function logicalTypeOfPostgres(type: string): LogicalType {
  const t = type.toLowerCase();
  if (t === 'smallint') return 'int16';
  if (t === 'integer') return 'int32';
  if (t === 'bigint') return 'int64';
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(t);
  if (numeric) return `decimal(${numeric[1]},${numeric[2]})`;
  if (t === 'numeric') return 'decimal';
  if (t === 'real') return 'float32';
  if (t === 'double precision') return 'float64';
  if (t === 'boolean') return 'boolean';
  const varchar = /^character(?: varying)?\((\d+)\)$/.exec(t);
  if (varchar) return `varchar(${varchar[1]})`;
  if (t === 'json' || t === 'jsonb') return 'json';
  if (t === 'date') return 'date';
  if (t.startsWith('time') && !t.startsWith('timestamp')) return 'time';
  const timestamp = /^timestamp(?:\((\d)\))? (with|without) time zone$/.exec(t);
  if (timestamp) return `${timestamp[2] === 'with' ? 'timestamptz' : 'timestamp'}(${timestamp[1] ?? 6})`;
  if (t === 'bytea') return 'bytes';
  if (t === 'uuid') return 'uuid';
  return 'text';
}

export function postgresTypeOf(logical: LogicalType): string {
  const [, name, args] = /^([a-z0-9]+)(?:\((.*)\))?$/.exec(logical) ?? [];
  switch (name) {
    case 'int16':
      return 'smallint';
    case 'int32':
      return 'integer';
    case 'int64':
      return 'bigint';
    case 'uint64':
      return 'numeric(20,0)';
    case 'decimal':
      return args ? `numeric(${args})` : 'numeric';
    case 'float32':
      return 'real';
    case 'float64':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'varchar':
      return args ? `varchar(${args})` : 'text';
    case 'json':
      return 'jsonb';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'timestamp':
      return `timestamp(${args ?? 6}) without time zone`;
    case 'timestamptz':
      return `timestamp(${args ?? 6}) with time zone`;
    case 'bytes':
      return 'bytea';
    case 'uuid':
      return 'uuid';
    default:
      return 'text';
  }
}
