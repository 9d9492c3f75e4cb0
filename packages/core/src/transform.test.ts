import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyTransform, type TransformModule } from './transform.ts';

const transform: TransformModule = {
  schema: z.object({ id: z.string(), updated_at: z.string(), qty: z.coerce.number().int().positive(), note: z.string().nullable() }),
  map: (raw: { id: string; updated_at: string; qty: number; note: string | null }) => {
    if (raw.note === 'skip') return null;
    if (raw.note === 'split') return [{ ...raw, id: raw.id, qty: 1 }, { ...raw, id: `${raw.id}0`, qty: raw.qty - 1 }];
    if (raw.note === 'boom') throw new Error('cannot map');
    if (raw.note === 'nokey') return { updated_at: raw.updated_at };
    return { id: raw.id, updated_at: raw.updated_at, double: raw.qty * 2, big: raw.qty > 5, at: new Date(0) };
  },
};
const keyset = { key: ['id'], cursor: 'updated_at' };
const columns = ['id', 'updated_at', 'qty', 'note'];

describe('applyTransform', () => {
  it('maps rows to text, unions the output columns, and keeps key and cursor first', () => {
    const result = applyTransform(transform, columns, [['1', 't1', '7', null], ['2', 't2', '3', 'split']], keyset);
    expect(result.columns).toEqual(['updated_at', 'id', 'double', 'big', 'at', 'qty', 'note']);
    expect(result.rows[0]).toEqual(['t1', '1', '14', 'true', '1970-01-01T00:00:00.000Z', null, null]);
    expect(result.rows).toHaveLength(3);
    expect(result.rejected).toEqual([]);
  });

  it('rejects schema failures with the zod message, a throwing map and a missing key; counts drops', () => {
    const result = applyTransform(
      transform,
      columns,
      [['1', 't1', 'many', null], ['2', 't2', '1', 'boom'], ['3', 't3', '1', 'nokey'], ['4', 't4', '1', 'skip']],
      keyset,
    );
    expect(result.rows).toEqual([]);
    expect(result.dropped).toBe(1);
    expect(result.rejected.map((row) => row.key)).toEqual([['1'], ['2'], ['3']]);
    expect(result.rejected[0]!.error).toMatch(/^transform schema: qty: Invalid input: expected number/);
    expect(result.rejected[0]!.payload).toEqual({ id: '1', updated_at: 't1', qty: 'many', note: null });
    expect(result.rejected[1]!.error).toBe('transform map threw: cannot map');
    expect(result.rejected[2]!.error).toMatch(/^transform output lacks id/);
  });
});
