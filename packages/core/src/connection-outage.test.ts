import { describe, expect, it } from 'vitest';
import { OutageTracker, describeConnectionError, isConnectionError, type OutageEvent } from './connection-outage.ts';

function errno(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:6390`), { code });
}

describe('OutageTracker', () => {
  it('reports one event when a service goes away and one when it is back, however many attempts failed', () => {
    const events: OutageEvent[] = [];
    let now = 1000;
    const tracker = new OutageTracker('Redis 127.0.0.1:6390', (event) => events.push(event), () => now);
    tracker.succeeded();
    expect(events).toEqual([]);
    for (let attempt = 0; attempt < 50; attempt++) tracker.failed(errno('ECONNREFUSED'));
    expect(tracker.down).toBe(true);
    now = 4500;
    tracker.succeeded();
    tracker.succeeded();
    expect(events).toEqual([
      { kind: 'down', service: 'Redis 127.0.0.1:6390', reason: 'ECONNREFUSED' },
      { kind: 'up', service: 'Redis 127.0.0.1:6390', downForMs: 3500, failedAttempts: 50 },
    ]);
    tracker.failed(errno('ECONNRESET'));
    expect(events.at(-1)).toEqual({ kind: 'down', service: 'Redis 127.0.0.1:6390', reason: 'ECONNRESET' });
  });
});

describe('isConnectionError', () => {
  it('recognises network errnos, Postgres connection exceptions and shutdowns, by code', () => {
    expect(isConnectionError(errno('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(errno('ENOTFOUND'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '57P03' }))).toBe(true);
    expect(isConnectionError(new AggregateError([errno('ECONNREFUSED'), errno('ECONNREFUSED')]))).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isConnectionError(new Error('ECONNREFUSED in a message is not a code'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
    expect(describeConnectionError(new AggregateError([errno('ECONNREFUSED')]))).toBe('ECONNREFUSED');
  });
});
