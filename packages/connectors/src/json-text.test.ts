import { describe, expect, it } from 'vitest';
import { parseJsonText, textOfJson } from './json-text.ts';

const fieldText = (json: string, field: string) => textOfJson((parseJsonText(json) as Record<string, unknown>)[field]);

describe('parseJsonText + textOfJson', () => {
  it('keeps every digit of integers beyond 2^53 and of long decimals', () => {
    expect(fieldText('{"id": 12345678901234567891}', 'id')).toBe('12345678901234567891');
    expect(fieldText('{"id": -9007199254740993}', 'id')).toBe('-9007199254740993');
    expect(fieldText('{"x": 0.12345678901234567891}', 'x')).toBe('0.12345678901234567891');
    expect(fieldText('{"x": 1e400}', 'x')).toBe('1e400');
  });

  it('keeps big numbers exact inside nested values too', () => {
    expect(fieldText('{"meta": {"ids": [98765432109876543210, 1.5], "n": null}}', 'meta')).toBe('{"ids":[98765432109876543210,1.5],"n":null}');
  });

  it('gives a number the same text whichever parser its neighbours sent the document to', () => {
    // "1.50" has a safe value: it prints as JSON.parse would print it, so re-reading a record
    // whose page now also carries a big number does not make it look changed.
    expect(fieldText('{"a": 1.50}', 'a')).toBe('1.5');
    expect(fieldText('{"a": 1.50, "big": 12345678901234567891}', 'a')).toBe('1.5');
    expect(fieldText('{"a": 1e2, "big": 12345678901234567891}', 'a')).toBe(fieldText('{"a": 1e2}', 'a'));
  });

  it('leaves strings, booleans and nulls as they were, and throws SyntaxError on bad JSON', () => {
    expect(fieldText('{"s": "12345678901234567891", "b": true}', 's')).toBe('12345678901234567891');
    expect(fieldText('{"b": true}', 'b')).toBe('true');
    expect(fieldText('{"n": null}', 'n')).toBeNull();
    expect(() => parseJsonText('{"id": 12345678901234567891')).toThrow(SyntaxError);
    expect(() => parseJsonText('{"id": ')).toThrow(SyntaxError);
  });
});
