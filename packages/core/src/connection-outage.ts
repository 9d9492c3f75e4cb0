/**
 * A service (Redis, a database) that cannot be reached is retried with backoff by its client,
 * often several times a second across a process's connections. Operators need one line when
 * it goes away and one when it is back, not a stack trace per attempt: this tracker turns a
 * stream of failures and successes into those two events.
 */
export type OutageEvent =
  | { readonly kind: 'down'; readonly service: string; readonly reason: string }
  | { readonly kind: 'up'; readonly service: string; readonly downForMs: number; readonly failedAttempts: number };

export class OutageTracker {
  private downSince: number | undefined;
  private failedAttempts = 0;

  readonly service: string;
  private readonly report: (event: OutageEvent) => void;
  private readonly now: () => number;

  constructor(
    service: string,
    report: (event: OutageEvent) => void,
    now: () => number = Date.now,
  ) {
    this.service = service;
    this.report = report;
    this.now = now;
  }

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** A connection attempt or a connection failed; only the first failure of an outage is reported. */
  failed(error: unknown): void {
    this.failedAttempts += 1;
    if (this.downSince !== undefined) return;
    this.downSince = this.now();
    this.report({ kind: 'down', service: this.service, reason: describeConnectionError(error) });
  }

  /** A connection was established; ends an outage if there was one. */
  succeeded(): void {
    if (this.downSince === undefined) return;
    const event: OutageEvent = { kind: 'up', service: this.service, downForMs: this.now() - this.downSince, failedAttempts: this.failedAttempts };
    this.downSince = undefined;
    this.failedAttempts = 0;
    this.report(event);
  }
}

/** errno codes of a peer that cannot be reached or went away. */
export const NETWORK_ERRNO: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** SQLSTATEs of a server that is going away or not yet taking connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03']);

/**
 * Whether an error means "the service is unreachable" rather than "the request was wrong":
 * a network errno, a Postgres connection exception (class 08) or a server shutting down.
 * Classified by code, never by message text.
 */
export function isConnectionError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    // AggregateError: Node's happy-eyeballs connect fails with one error per address.
    const errors = (error as { errors?: unknown }).errors;
    return Array.isArray(errors) && errors.length > 0 && errors.every(isConnectionError);
  }
  return NETWORK_ERRNO.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code);
}

/** `ECONNREFUSED`, or the error's message when it has no code: one short phrase, no stack. */
export function describeConnectionError(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) return describeConnectionError(errors[0]);
  }
  return error instanceof Error ? error.message : String(error);
}
