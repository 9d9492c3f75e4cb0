import { batchIdOf, encodeKeyset, hashRows, type BatchPayload, type BatchRow } from '@syncfleet/core';

/**
 * A batch as a producer would cut it, for tests that drive the worker side directly:
 * rows are `[id, status, amount, updated_at]` text values of the orders table.
 */
export function orderBatch(pipeline: string, lo: BatchRow | null, rows: BatchRow[], seq = 0): BatchPayload {
  const keysetOf = (row: BatchRow) => [row[3]!, row[0]!];
  const loKey = lo === null ? null : encodeKeyset(keysetOf(lo));
  const hi = encodeKeyset(keysetOf(rows[rows.length - 1]!))!;
  const contentHash = hashRows(rows);
  return {
    v: 1,
    pipeline,
    batchId: batchIdOf(pipeline, 'test-epoch', loKey, hi, contentHash),
    scanId: 'test-scan',
    seq,
    lo: loKey,
    hi,
    contentHash,
    columns: ['id', 'status', 'amount', 'updated_at'],
    rows,
  };
}
