import { SyncfleetError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `5s`, `2m`, `1h`, `1d` or a bare number of milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw invalid(String(input));
    return input;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(input);
  if (!match) throw invalid(input);
  const value = Number(match[1]);
  return Math.round(value * UNIT_MS[match[2] ?? 'ms']!);
}

function invalid(input: string): SyncfleetError {
  return new SyncfleetError('CONFIG_INVALID', `not a duration: "${input}"`, {
    hint: 'write a number with a unit, e.g. 500ms, 5s, 2m, 1h',
  });
}
