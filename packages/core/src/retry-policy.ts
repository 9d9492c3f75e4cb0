import { NETWORK_ERRNO } from './connection-outage.ts';
/**
 * Decides what a failure means for a batch. Postgres errors are classified by SQLSTATE and
 * network errors by errno code, never by message text. Unknown errors are retryable: a retry
 * costs time, while a wrong "fatal" sends a healthy batch to the dead-letter queue.
 */
export type FailureClass = 'retryable' | 'fatal';

const RETRYABLE_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '55P03', // lock_not_available
  '57014', // query_canceled (statement timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '58000', // system_error
  '58030', // io_error
]);

const RETRYABLE_SQLSTATE_CLASSES = new Set(['08']); // connection_exception

const FATAL_SQLSTATE_CLASSES = new Set([
  '22', // data_exception
  '23', // integrity_constraint_violation
  '28', // invalid_authorization_specification
  '3D', // invalid_catalog_name
  '3F', // invalid_schema_name
  '42', // syntax_error_or_access_rule_violation (undefined table/column, permission, datatype mismatch)
]);

/** Network failures (shared with the outage tracker) and undici's socket errors. */
const RETRYABLE_ERRNO = new Set([...NETWORK_ERRNO, 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Row-level SQLSTATEs: the destination rejects one row's values, not the batch. Such failures
 * are bisected down to the offending rows, which go to quarantine.
 */
const ROW_LEVEL_SQLSTATE_CLASSES = new Set(['22']);
const ROW_LEVEL_SQLSTATES = new Set(['23502', '23514', '23503']);

export interface ClassifiableError {
  readonly code?: unknown;
  readonly status?: unknown;
  readonly statusCode?: unknown;
}

export function classifyFailure(error: unknown): FailureClass {
  const status = httpStatusOf(error);
  if (status !== undefined) return status === 429 || status === 408 || status >= 500 ? 'retryable' : 'fatal';
  const code = codeOf(error);
  if (code === undefined) return 'retryable';
  if (RETRYABLE_ERRNO.has(code)) return 'retryable';
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (RETRYABLE_SQLSTATES.has(code) || RETRYABLE_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'retryable';
    if (FATAL_SQLSTATE_CLASSES.has(code.slice(0, 2))) return 'fatal';
    return 'retryable';
  }
  if (FATAL_SYNCFLEET_CODES.has(code)) return 'fatal';
  return 'retryable';
}

const FATAL_SYNCFLEET_CODES = new Set([
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'SOURCE_SCHEMA',
  'DESTINATION_SCHEMA',
  'BATCH_INVALID',
  'PIPELINE_UNKNOWN',
]);

export function isRowLevelFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return ROW_LEVEL_SQLSTATES.has(code) || ROW_LEVEL_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

function codeOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as ClassifiableError).code;
  return typeof code === 'string' ? code : undefined;
}

function httpStatusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const candidate = (error as ClassifiableError).status ?? (error as ClassifiableError).statusCode;
  return typeof candidate === 'number' && candidate >= 100 && candidate < 600 ? candidate : undefined;
}
