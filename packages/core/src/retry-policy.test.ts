import { describe, expect, it } from 'vitest';
import { classifyFailure, isRowLevelFailure } from './retry-policy.ts';
import { fullJitterDelay } from './backoff.ts';

describe('classifyFailure', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'retryable'],
    [{ code: 'ECONNRESET' }, 'retryable'],
    [{ code: 'ETIMEDOUT' }, 'retryable'],
    [{ code: '40001' }, 'retryable'],
    [{ code: '40P01' }, 'retryable'],
    [{ code: '53300' }, 'retryable'],
    [{ code: '57P01' }, 'retryable'],
    [{ code: '08006' }, 'retryable'],
    [{ status: 429 }, 'retryable'],
    [{ status: 503 }, 'retryable'],
    [{ code: '42P01' }, 'fatal'], // undefined_table
    [{ code: '42703' }, 'fatal'], // undefined_column
    [{ code: '42804' }, 'fatal'], // datatype_mismatch
    [{ code: '42501' }, 'fatal'], // insufficient_privilege
    [{ code: '42601' }, 'fatal'], // syntax_error
    [{ status: 404 }, 'fatal'],
    [{ status: 400 }, 'fatal'],
    [{ code: 'DESTINATION_SCHEMA' }, 'fatal'],
    [new Error('Connection terminated unexpectedly'), 'retryable'],
    ['a string', 'retryable'],
  ] as const)('%o is %s', (error, expected) => {
    expect(classifyFailure(error)).toBe(expected);
  });

  it('marks value errors as row level', () => {
    expect(isRowLevelFailure({ code: '23502' })).toBe(true);
    expect(isRowLevelFailure({ code: '22021' })).toBe(true);
    expect(isRowLevelFailure({ code: '22003' })).toBe(true);
    expect(isRowLevelFailure({ code: '42703' })).toBe(false);
  });
});

describe('fullJitterDelay', () => {
  const options = { baseDelay: 100, maxDelay: 1000 };
  it('grows exponentially up to the cap and stays within [0, ceiling)', () => {
    expect(fullJitterDelay(1, options, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, options, () => 0.999)).toBe(399);
    expect(fullJitterDelay(10, options, () => 0.999)).toBe(999);
    expect(fullJitterDelay(10, options, () => 0)).toBe(0);
  });
});
