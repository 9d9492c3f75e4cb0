import type { Queryable } from './connection.ts';

/**
 * Distinct encoded keysets in ascending order, each value cast to its column's type so that
 * `["2024-01-01 00:00:00.000001+00","10"]` sorts by time and number, not as text.
 */
export async function orderPostgresKeysets(client: Queryable, keysets: readonly string[], types: readonly string[]): Promise<string[]> {
  if (keysets.length <= 1) return [...keysets];
  const parts = types.map((type, index) => `((k)::jsonb->>${index})::${type}`);
  const { rows } = await client.query<{ k: string }>(
    `SELECT k FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS c(k)) AS d ORDER BY ${parts.join(', ')}`,
    [keysets],
  );
  return rows.map((row) => row.k);
}
