import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { ConfigError } from '@syncfleet/core';

/** How the dashboard checks callers: HTTP basic auth, a bearer token, or both (either passes). */
export interface DashboardCredentials {
  readonly basic?: { readonly user: string; readonly password: string };
  readonly token?: string;
}

/**
 * Reads SYNCFLEET_DASHBOARD_USER / _PASSWORD and SYNCFLEET_DASHBOARD_TOKEN. Returns null when
 * none is set; a user without a password (or the reverse) is a configuration error.
 */
export function dashboardCredentialsFrom(env: NodeJS.ProcessEnv): DashboardCredentials | null {
  const user = env.SYNCFLEET_DASHBOARD_USER || undefined;
  const password = env.SYNCFLEET_DASHBOARD_PASSWORD || undefined;
  const token = env.SYNCFLEET_DASHBOARD_TOKEN || undefined;
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError([
      'SYNCFLEET_DASHBOARD_USER and SYNCFLEET_DASHBOARD_PASSWORD go together: set both for basic auth, or neither',
    ]);
  }
  if (user === undefined && token === undefined) return null;
  return { ...(user !== undefined ? { basic: { user, password: password! } } : {}), ...(token !== undefined ? { token } : {}) };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/** Checks an Authorization header in constant time per candidate (no early exit on a prefix). */
export function isAuthorized(header: string | undefined, credentials: DashboardCredentials): boolean {
  if (!header) return false;
  const [scheme = '', value = ''] = header.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer' && credentials.token !== undefined) return sameSecret(value, credentials.token);
  if (scheme.toLowerCase() === 'basic' && credentials.basic !== undefined) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const userOk = sameSecret(decoded.slice(0, colon), credentials.basic.user);
    const passwordOk = sameSecret(decoded.slice(colon + 1), credentials.basic.password);
    return userOk && passwordOk;
  }
  return false;
}

/** Express middleware: 401 with a basic-auth challenge (so browsers ask) unless authorized. */
export function requireCredentials(credentials: DashboardCredentials): RequestHandler {
  return (request, response, next) => {
    if (isAuthorized(request.headers.authorization, credentials)) {
      next();
      return;
    }
    if (credentials.basic) response.setHeader('WWW-Authenticate', 'Basic realm="syncfleet", charset="UTF-8"');
    response.status(401).type('text/plain').send('authentication required\n');
  };
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the lengths equal, which timingSafeEqual requires.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
