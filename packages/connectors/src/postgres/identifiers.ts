/**
 * The one place identifiers become SQL. Values never do: they travel as bind parameters.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new TypeError('empty SQL identifier');
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * `public.orders` → `"public"."orders"`, `orders` → `"orders"`; a part already in double quotes
 * keeps its case and may contain dots.
 */
export function quoteQualified(name: string): string {
  return splitQualified(name).map(quoteIdent).join('.');
}

export function splitQualified(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (quoted) {
      if (ch === '"' && name[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (parts.length > 2 || parts.some((part) => part.length === 0)) {
    throw new TypeError(`not a table name: ${name} — write table or schema.table`);
  }
  return parts;
}
