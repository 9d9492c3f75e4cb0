/**
 * With every type parsed as raw text, a one-dimensional `text[]`/`name[]` arrives as Postgres's
 * array literal, `{a,"b c"}`. Only the bookkeeping's own arrays go through here.
 */
export function parsePgTextArray(value: string | string[]): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.slice(1, -1);
  if (inner === '') return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (quoted) {
      if (ch === '\\') current += inner[++i] ?? '';
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}
