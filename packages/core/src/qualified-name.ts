/**
 * Splits `schema.table` (or `database.table`) into its parts. A part inside the dialect's
 * identifier quotes (`"` for Postgres, `` ` `` for MySQL) keeps its case and may hold dots; a
 * doubled quote inside stands for one.
 */
export function splitQualifiedName(name: string, quote: '"' | '`', container: 'schema' | 'database'): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (quoted) {
      if (ch === quote && name[i + 1] === quote) {
        current += quote;
        i++;
      } else if (ch === quote) quoted = false;
      else current += ch;
    } else if (ch === quote) quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (parts.length > 2 || parts.some((part) => part.length === 0)) {
    throw new TypeError(`not a table name: ${name} — write table or ${container}.table`);
  }
  return parts;
}
