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
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (quoted) {
      if (ch === '`' && name[i + 1] === '`') {
        current += '`';
        i++;
      } else if (ch === '`') quoted = false;
      else current += ch;
    } else if (ch === '`') quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (parts.length > 2 || parts.some((part) => part.length === 0)) {
    throw new TypeError(`not a table name: ${name} — write table or database.table`);
  }
  return parts;
}
