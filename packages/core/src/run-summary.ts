import type { BatchOutcome } from './batch.ts';
import { decodeKeyset } from './keyset.ts';

/** Counters for one pipeline over one run; `formatSummaryLine` is the CLI's contract line. */
export interface RunCounters {
  extracted: number;
  loaded: number;
  unchanged: number;
  quarantined: number;
  retried: number;
  dead: number;
  batches: number;
}

export function emptyCounters(): RunCounters {
  return { extracted: 0, loaded: 0, unchanged: 0, quarantined: 0, retried: 0, dead: 0, batches: 0 };
}

/** Adds a batch outcome; synchronous on purpose so concurrent batches never lose an increment. */
export function addOutcome(counters: RunCounters, outcome: BatchOutcome): void {
  counters.extracted += outcome.extracted;
  counters.loaded += outcome.loaded;
  counters.unchanged += outcome.unchanged;
  counters.quarantined += outcome.quarantined;
  counters.batches += 1;
}

/**
 * Input the source itself could not read as rows (a malformed line) was extracted and is
 * quarantined: it counts in both, so `maxQuarantineRate` sees a file of garbage for what it is.
 */
export function addSourceRejects(counters: RunCounters, rejected: number): void {
  counters.extracted += rejected;
  counters.quarantined += rejected;
}

export function formatSummaryLine(pipeline: string, counters: RunCounters, watermark: string | null, elapsedMs: number): string {
  return (
    `${pipeline} extracted=${counters.extracted} loaded=${counters.loaded} unchanged=${counters.unchanged} ` +
    `quarantined=${counters.quarantined} retried=${counters.retried} dead=${counters.dead} ` +
    `watermark=${describeKeyset(watermark)} ${(elapsedMs / 1000).toFixed(1)}s`
  );
}

/** A keyset for people: `none`, or its values joined by `|`, quoted when it holds spaces. */
export function describeKeyset(encoded: string | null): string {
  const keyset = decodeKeyset(encoded);
  if (keyset === null) return 'none';
  const text = keyset.join('|');
  return /\s/.test(text) ? JSON.stringify(text) : text;
}
