/**
 * The checkpoint's pure half. Committed batches are edges `lo → hi` between encoded keysets.
 * Every keyset reachable from the committed watermark by following edges is a position below
 * which all rows are committed, so any of them is a safe new watermark; the caller picks the
 * furthest one in keyset order (that comparison is the database's, see keyset.ts).
 *
 * Entries that do not connect (a scan cut the range differently before Redis was wiped, a
 * batch still running) are simply not reached: a gap is never crossed.
 */
export interface LedgerEdge {
  readonly lo: string | null;
  readonly hi: string;
}

export function reachableWatermarks(watermark: string | null, edges: readonly LedgerEdge[]): string[] {
  const byLo = new Map<string | null, string[]>();
  for (const edge of edges) {
    const list = byLo.get(edge.lo);
    if (list) list.push(edge.hi);
    else byLo.set(edge.lo, [edge.hi]);
  }
  const reached = new Set<string>();
  const frontier: (string | null)[] = [watermark];
  while (frontier.length > 0) {
    const at = frontier.pop()!;
    for (const hi of byLo.get(at) ?? []) {
      if (!reached.has(hi) && hi !== watermark) {
        reached.add(hi);
        frontier.push(hi);
      }
    }
  }
  return [...reached];
}
