import { describe, expect, it } from 'vitest';
import { batchIdOf, hashRows } from './content-hash.ts';
import { decodeKeyset, encodeKeyset, keysetOfRow } from './keyset.ts';

describe('hashRows', () => {
  it('distinguishes NULL from the text "null" and does not let separators be forged', () => {
    expect(hashRows([[null]])).not.toBe(hashRows([['null']]));
    expect(hashRows([['a', 'b']])).not.toBe(hashRows([['a,b']]));
    expect(hashRows([['a'], ['b']])).not.toBe(hashRows([['a\n', 'b']]));
  });

  it('is stable for equal content', () => {
    expect(hashRows([['1', 'x'], ['2', null]])).toBe(hashRows([['1', 'x'], ['2', null]]));
  });
});

describe('batchIdOf', () => {
  it('changes with pipeline, epoch, range and content, and contains no colon', () => {
    const id = batchIdOf('orders', 'e1', null, '["t","1"]', 'h1');
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(batchIdOf('orders', 'e1', null, '["t","1"]', 'h2')).not.toBe(id);
    expect(batchIdOf('orders', 'e1', '["t","0"]', '["t","1"]', 'h1')).not.toBe(id);
    expect(batchIdOf('other', 'e1', null, '["t","1"]', 'h1')).not.toBe(id);
    expect(batchIdOf('orders', 'e2', null, '["t","1"]', 'h1')).not.toBe(id);
  });
});

describe('keyset', () => {
  it('round-trips and refuses NULL keyset values', () => {
    const keyset = keysetOfRow(['2024-01-01 00:00:00.123456+00', 'x', '42'], [0, 2]);
    expect(decodeKeyset(encodeKeyset(keyset))).toEqual(['2024-01-01 00:00:00.123456+00', '42']);
    expect(decodeKeyset(null)).toBeNull();
    expect(() => keysetOfRow([null, '1'], [0, 1])).toThrow(/NULL/);
  });
});
