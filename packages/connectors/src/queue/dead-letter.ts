import type { BatchPayload } from '@syncfleet/core';

/** A dead-lettered batch: everything needed to understand the failure and replay it. */
export interface DeadLetterEntry {
  readonly pipeline: string;
  readonly batchId: string;
  readonly payload: BatchPayload;
  readonly error: string;
  readonly code: string | null;
  readonly stack: string | null;
  readonly attempts: number;
  readonly failedAt: string;
  readonly policy: 'block' | 'skip';
}

export function deadLetterEntryOf(payload: BatchPayload, error: unknown, attempts: number, policy: 'block' | 'skip'): DeadLetterEntry {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: unknown }).code;
  return {
    pipeline: payload.pipeline,
    batchId: payload.batchId,
    payload,
    error: err.message,
    code: typeof code === 'string' ? code : null,
    stack: err.stack ?? null,
    attempts,
    failedAt: new Date().toISOString(),
    policy,
  };
}
