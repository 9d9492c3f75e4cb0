/**
 * Every error Syncfleet raises on purpose carries a stable `code`, so callers (the CLI's exit
 * code, the worker's retry decision, tests) branch on the code, never on message text.
 */
export type SyncfleetErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'SOURCE_SCHEMA'
  | 'DESTINATION_SCHEMA'
  | 'BATCH_INVALID'
  | 'LOCK_LOST'
  | 'WATERMARK_CONFLICT'
  | 'QUARANTINE_THRESHOLD'
  | 'PIPELINE_UNKNOWN'
  | 'TIMEOUT';

export class SyncfleetError extends Error {
  readonly code: SyncfleetErrorCode;
  /** Shown to an operator as-is: what is wrong and how to fix it. */
  readonly hint: string | undefined;

  constructor(code: SyncfleetErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncfleetError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** A configuration problem: the CLI prints it without a stack trace and exits 2. */
export class ConfigError extends SyncfleetError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], code: 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' = 'CONFIG_INVALID') {
    super(code, problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isSyncfleetError(err: unknown): err is SyncfleetError {
  return err instanceof SyncfleetError;
}
