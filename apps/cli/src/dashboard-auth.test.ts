import { describe, expect, it } from 'vitest';
import { ConfigError } from '@syncfleet/core';
import { dashboardCredentialsFrom, isAuthorized, isLoopbackHost } from './dashboard-auth.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.com', false],
  ])('%s → %s', (host, loopback) => expect(isLoopbackHost(host)).toBe(loopback));
});

describe('dashboardCredentialsFrom', () => {
  it('is null without credentials, and rejects a user without a password', () => {
    expect(dashboardCredentialsFrom({})).toBeNull();
    expect(() => dashboardCredentialsFrom({ SYNCFLEET_DASHBOARD_USER: 'ops' })).toThrow(ConfigError);
  });

  it('reads basic auth and token', () => {
    expect(
      dashboardCredentialsFrom({ SYNCFLEET_DASHBOARD_USER: 'ops', SYNCFLEET_DASHBOARD_PASSWORD: 'pw', SYNCFLEET_DASHBOARD_TOKEN: 't' }),
    ).toEqual({ basic: { user: 'ops', password: 'pw' }, token: 't' });
  });
});

describe('isAuthorized', () => {
  const credentials = { basic: { user: 'ops', password: 'p:w' }, token: 'secret-token' };

  it('accepts the right basic credentials (a colon in the password included) or the bearer token', () => {
    expect(isAuthorized(basic('ops', 'p:w'), credentials)).toBe(true);
    expect(isAuthorized('Bearer secret-token', credentials)).toBe(true);
  });

  it('rejects wrong, partial, missing or unconfigured credentials', () => {
    expect(isAuthorized(undefined, credentials)).toBe(false);
    expect(isAuthorized(basic('ops', 'p'), credentials)).toBe(false);
    expect(isAuthorized(basic('op', 'p:w'), credentials)).toBe(false);
    expect(isAuthorized('Bearer secret', credentials)).toBe(false);
    expect(isAuthorized('Basic !!!', credentials)).toBe(false);
    expect(isAuthorized('Bearer secret-token', { basic: credentials.basic })).toBe(false);
    expect(isAuthorized(basic('ops', 'p:w'), { token: 'secret-token' })).toBe(false);
  });
});
