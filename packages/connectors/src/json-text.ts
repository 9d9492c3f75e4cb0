import { LosslessNumber, isLosslessNumber, isSafeNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';

/**
 * A number that `JSON.parse` could change: 16+ digits in a row (integers beyond 2^53), 17+
 * digits and points (floats beyond double precision), or a three-digit exponent (overflow,
 * underflow). Text without one parses natively and exactly; a string that merely looks like one
 * only costs the slower parser.
 */
const MAYBE_UNSAFE_NUMBER = /\d{16}|[\d.]{17}|[eE][+-]?\d{3}/;

/**
 * JSON from an API or an NDJSON line, with every number kept exact: numbers a double holds
 * become JS numbers (as `JSON.parse` makes them, so the text of a value does not depend on its
 * neighbours), the rest stay `LosslessNumber`s carrying the source's own digits. Throws
 * `SyntaxError` like `JSON.parse`.
 */
export function parseJsonText(text: string): unknown {
  if (!MAYBE_UNSAFE_NUMBER.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : new LosslessNumber(digits)));
}

/** A JSON field value as Syncfleet's text form: strings as they are, numbers exact, the rest as JSON. */
export function textOfJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isLosslessNumber(value)) return value.value;
  return stringifyLossless(value) ?? null;
}
