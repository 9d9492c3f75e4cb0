/**
 * A keyset is the position of a row in scan order: `[cursor, key1, key2, …]`, every value in
 * the source's own text form. Values are never compared in JavaScript (a JS Date drops
 * microseconds, a Number drops bigint digits): ordering is always asked of the database, and
 * JavaScript only tests two encoded keysets for equality, which text forms make exact.
 *
 * `null` is the position before the first row: a pipeline that has synced nothing yet.
 */
export type Keyset = readonly string[];

/** The stable string form stored in the ledger and the watermark table. */
export function encodeKeyset(keyset: Keyset | null): string | null {
  return keyset === null ? null : JSON.stringify(keyset);
}

export function decodeKeyset(encoded: string | null): Keyset | null {
  if (encoded === null) return null;
  const parsed: unknown = JSON.parse(encoded);
  if (!Array.isArray(parsed) || !parsed.every((value) => typeof value === 'string')) {
    throw new TypeError(`not an encoded keyset: ${encoded}`);
  }
  return parsed;
}

/** The keyset of a row, given the positions of the cursor and key columns in it. */
export function keysetOfRow(row: readonly (string | null)[], positions: readonly number[]): Keyset {
  return positions.map((position) => {
    const value = row[position];
    if (value === null || value === undefined) {
      throw new TypeError(`keyset column at position ${position} is NULL; cursor and key columns must be NOT NULL`);
    }
    return value;
  });
}
