import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('never writes a DSN password, an auth header or a token, wherever it sits', () => {
    const { lines, destination } = capture();
    const logger = createLogger('debug', { destination });
    const child = logger.child({ pipeline: 'orders', dsn: 'postgres://app:pg-s3cret@db:5432/shop' });
    child.info({ url: 'postgres://app:pg-s3cret@db:5432/shop' }, 'connecting');
    child.info({ config: { redis: 'redis://:redis-s3cret@cache:6379', source: { url: 'postgresql://u:pg-s3cret@h/db?sslmode=require' } } }, 'config');
    child.warn({ headers: { authorization: 'Bearer tok-s3cret' }, token: 'tok-s3cret', nested: { a: { apiKey: 'tok-s3cret' } } }, 'http');
    child.error({ err: new Error('connect ECONNREFUSED for redis://default:redis-s3cret@cache:6379') }, 'failed to reach postgres://app:pg-s3cret@db/shop');
    const output = lines.join('');
    expect(lines).toHaveLength(4);
    expect(output).not.toMatch(/s3cret/);
    // What an operator needs stays: user, host, the error's shape.
    expect(output).toContain('postgres://app:***@db:5432/shop');
    expect(output).toContain('redis://:***@cache:6379');
    expect(output).toContain('ECONNREFUSED');
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ pipeline: 'orders', msg: 'connecting', level: 30 });
    expect(JSON.parse(lines[2]!)).toMatchObject({ headers: { authorization: '[redacted]' }, token: '[redacted]' });
  });

  it('writes one JSON object per line', () => {
    const { lines, destination } = capture();
    createLogger('info', { destination }).child({ batch: 'b1', job: 'j1', attempt: 2 }).info({ loaded: 5 }, 'batch committed');
    expect(JSON.parse(lines[0]!)).toMatchObject({ batch: 'b1', job: 'j1', attempt: 2, loaded: 5, msg: 'batch committed' });
  });
});
