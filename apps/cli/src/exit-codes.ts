import { isSyncfleetError, maskCredentials } from '@syncfleet/core';

/** 0 success; 1 a pipeline failed (dead letters with block, quarantine over threshold, scan error); 2 bad configuration. */
export const EXIT_PIPELINE_FAILED = 1;
export const EXIT_CONFIG = 2;

/** An error for an operator's terminal, with any credential in it masked. */
export function describeError(error: unknown): string {
  if (isSyncfleetError(error)) return maskCredentials(error.hint ? `${error.message} — ${error.hint}` : error.message);
  return maskCredentials(error instanceof Error ? error.message : String(error));
}
