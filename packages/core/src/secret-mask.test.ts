import { describe, expect, it } from 'vitest';
import { maskCredentials } from './secret-mask.ts';

describe('maskCredentials', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/shop', 'postgres://app:***@db:5432/shop'],
    ['postgresql://app:s3cret@db/shop?sslmode=require', 'postgresql://app:***@db/shop?sslmode=require'],
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['rediss://default:s3cret@cache:6380/0', 'rediss://default:***@cache:6380/0'],
    ['connect to postgres://a:p%40ss@h/db failed', 'connect to postgres://a:***@h/db failed'],
    ['{"url":"postgres://u:s3cret@h/db","x":1}', '{"url":"postgres://u:***@h/db","x":1}'],
    ['two: redis://:one@a and postgres://u:two@b/c', 'two: redis://:***@a and postgres://u:***@b/c'],
    ['postgres://u@h/db?sslmode=disable&password=s3cret', 'postgres://u@h/db?sslmode=disable&password=***'],
    ['Authorization: Bearer eyJhbGciOi.s3cret', 'Authorization: Bearer ***'],
    ['{"authorization":"Basic dXNlcjpzM2NyZXQ="}', '{"authorization":"Basic ***"}'],
  ])('masks the password in %s', (input, expected) => {
    expect(maskCredentials(input)).toBe(expected);
  });

  it.each(['postgres://app@db/shop', 'redis://127.0.0.1:6379', 'http://host:8080/path', 'a:b@c is not a URL', 'ratio 1:2'])(
    'leaves %s alone',
    (input) => {
      expect(maskCredentials(input)).toBe(input);
    },
  );
});
