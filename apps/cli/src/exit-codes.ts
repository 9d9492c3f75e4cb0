import { isSyncfleetError } from '@syncfleet/core';

/** 0 success; 1 a pipeline failed (dead letters with block, quarantine over threshold, scan error); 2 bad configuration. */
export const EXIT_PIPELINE_FAILED = 1;
export const EXIT_CONFIG = 2;

export function describeError(error: unknown): string {
  if (isSyncfleetError(error)) return error.hint ? `${error.message} — ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}
