import { splitQualifiedName } from '@syncfleet/core';

/**
 * MySQL/MariaDB identifiers, quoted with backticks; the one place they become SQL. Values
 * always travel as bind parameters.
 */
export function quoteMysqlIdent(name: string): string {
  if (name.length === 0) throw new TypeError('empty SQL identifier');
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `shop.orders` → `` `shop`.`orders` ``; a part in backticks may contain dots. */
export function quoteMysqlQualified(name: string): string {
  return splitMysqlQualified(name).map(quoteMysqlIdent).join('.');
}

export function splitMysqlQualified(name: string): string[] {
  return splitQualifiedName(name, '`', 'database');
}
