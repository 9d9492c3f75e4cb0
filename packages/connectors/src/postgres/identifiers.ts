import { splitQualifiedName } from '@syncfleet/core';

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
  return splitQualifiedName(name, '"', 'schema');
}
