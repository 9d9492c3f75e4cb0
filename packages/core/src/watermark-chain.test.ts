import { describe, expect, it } from 'vitest';
import { reachableWatermarks } from './watermark-chain.ts';

describe('reachableWatermarks', () => {
  it('follows the contiguous prefix and stops at a gap', () => {
    const edges = [
      { lo: null, hi: 'a' },
      { lo: 'a', hi: 'b' },
      { lo: 'c', hi: 'd' }, // (b, c] is still running
    ];
    expect(reachableWatermarks(null, edges).sort()).toEqual(['a', 'b']);
  });

  it('returns nothing when the first batch after the watermark has not committed', () => {
    expect(reachableWatermarks('a', [{ lo: 'b', hi: 'c' }])).toEqual([]);
  });

  it('explores ranges cut differently by two scans', () => {
    const edges = [
      { lo: 'w', hi: 'x1' }, // old scan, its successor was lost with Redis
      { lo: 'w', hi: 'y1' },
      { lo: 'y1', hi: 'y2' },
    ];
    expect(reachableWatermarks('w', edges).sort()).toEqual(['x1', 'y1', 'y2']);
  });

  it('ignores entries behind the watermark and cycles', () => {
    expect(reachableWatermarks('b', [{ lo: 'a', hi: 'b' }, { lo: 'b', hi: 'b' }])).toEqual([]);
  });
});
