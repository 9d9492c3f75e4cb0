import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An HTTP failure carrying its status, so the worker's classifyFailure decides: 408, 429 and
 * 5xx are retryable, any other 4xx is fatal (the request itself is wrong and will stay wrong).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly retryAfterMs: number | null;

  constructor(method: string, url: string, status: number, body: string, retryAfterMs: number | null) {
    super(`${method} ${redactUrl(url)} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'HttpError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Retries of a 408/429/5xx or a network error inside this call, before it throws. */
  readonly maxRetries: number;
  /** Longest single wait this call accepts; a longer Retry-After throws for the queue to retry later. */
  readonly maxWaitMs?: number;
  readonly signal?: AbortSignal;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * `Retry-After` as delta-seconds or an HTTP date; null when absent or unreadable. (An HTTP
 * date only needs second precision, so Date is fine here: nothing is ordered by it.)
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * One request with the rate-limit etiquette: a 429 or 503 waits what `Retry-After` says, other
 * retryable failures back off exponentially with full jitter (capped at 10 s). Returns the
 * response body as text.
 */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<{ status: number; body: string }> {
  const method = options.method ?? 'GET';
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      const response = await fetch(url, {
        method,
        headers: options.headers,
        body: options.body,
        signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs),
      });
      const body = await response.text();
      if (response.ok) return { status: response.status, body };
      failure = new HttpError(method, url, response.status, body, retryAfterMs(response.headers.get('retry-after')));
      if (!isRetryableStatus(response.status)) throw failure;
    } catch (error) {
      if (error instanceof HttpError && !isRetryableStatus(error.status)) throw error;
      if (options.signal?.aborted) throw error;
      failure = error;
    }
    if (attempt >= options.maxRetries) throw failure;
    const hinted = failure instanceof HttpError ? failure.retryAfterMs : null;
    if (hinted !== null && hinted > maxWaitMs) throw failure;
    const wait = hinted ?? Math.random() * Math.min(10_000, 100 * 2 ** attempt);
    await sleep(wait, undefined, { signal: options.signal });
  }
}

/** Query strings often carry tokens; error messages keep only the origin and path. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** `data.items` / `meta.next_cursor` / `results.0.id` into parsed JSON; undefined when absent. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

