import { describe, expect, it } from 'vitest';
import { copyTextChunks, encodeCopyRow } from './copy-text.ts';

describe('encodeCopyRow', () => {
  it('escapes the four special characters and writes NULL as \\N', () => {
    expect(encodeCopyRow(['a\tb', 'c\nd', 'e\\f', 'g\rh', null, 'N'])).toBe('a\\tb\tc\\nd\te\\\\f\tg\\rh\t\\N\tN\n');
  });

  it('keeps the text "\\N" distinct from NULL', () => {
    expect(encodeCopyRow(['\\N'])).toBe('\\\\N\n');
  });

  it('chunks without splitting rows', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [String(i), 'x'.repeat(50)]);
    const chunks = [...copyTextChunks(rows, 500)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(rows.map((row) => encodeCopyRow(row)).join(''));
    expect(chunks.every((chunk) => chunk.endsWith('\n'))).toBe(true);
  });
});
