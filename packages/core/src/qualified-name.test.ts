import { describe, expect, it } from 'vitest';
import { splitQualifiedName } from './qualified-name.ts';

describe('splitQualifiedName', () => {
  it('splits on the dot outside quotes and unescapes doubled quotes', () => {
    expect(splitQualifiedName('public.orders', '"', 'schema')).toEqual(['public', 'orders']);
    expect(splitQualifiedName('"My.Schema"."Or""ders"', '"', 'schema')).toEqual(['My.Schema', 'Or"ders']);
    expect(splitQualifiedName('`shop`.`a``b`', '`', 'database')).toEqual(['shop', 'a`b']);
    expect(splitQualifiedName('orders', '`', 'database')).toEqual(['orders']);
  });

  it('refuses three parts and empty parts, naming the expected form', () => {
    expect(() => splitQualifiedName('a.b.c', '"', 'schema')).toThrow('write table or schema.table');
    expect(() => splitQualifiedName('shop.', '`', 'database')).toThrow('write table or database.table');
  });
});
