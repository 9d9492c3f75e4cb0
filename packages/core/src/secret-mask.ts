/**
 * Masks credentials inside text before it reaches a log line or an operator-facing error:
 * - the password of any `scheme://user:password@host` URL (a DSN such as
 *   `postgres://app:s3cret@db/shop` or `redis://:s3cret@cache:6379`),
 * - `password=`/`token=`-style query parameters (libpq accepts `?password=` in a URI),
 * - the credential after `Bearer`/`Basic` (an Authorization header printed as text).
 * User names and hosts stay: they are what an operator needs to tell which connection failed.
 *
 * Works on any text, including serialized JSON, so one pass over a finished log line covers
 * every field, nested objects, error messages and stacks alike.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'\\]*:)([^\s@/"'\\]+)@/gi;
const QUERY_SECRET = /([?&](?:password|passwd|pwd|token|access_token|api_key|apikey|secret)=)[^&#\s"'\\]+/gi;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

export const MASK = '***';

export function maskCredentials(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASK}@`).replace(QUERY_SECRET, `$1${MASK}`).replace(AUTH_SCHEME, `$1 ${MASK}`);
}
