import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from './support/sync-fixture.ts';

const TRANSFORM = './examples/transforms/orders.ts';

describe('transforms in code', () => {
  test('renames, coerces, derives and hashes; invalid rows go to quarantine with the zod message', async ({ env }) => {
    await env.source.query(`
      CREATE TABLE public.orders (
        id bigint PRIMARY KEY, customer_email text, amount_cents text, status text NOT NULL, updated_at timestamptz NOT NULL
      )`);
    await env.source.query(`
      INSERT INTO public.orders VALUES
        (1, ' Ada@Example.com ', '123456', 'paid',  '2025-01-01 00:00:00.000001+00'),
        (2, 'bob@example.com',   '99',     'new',   '2025-01-01 00:00:00.000002+00'),
        (3, 'not-an-email',      '100',    'new',   '2025-01-01 00:00:00.000003+00'),
        (4, 'eve@example.com',   '12.5',   'new',   '2025-01-01 00:00:00.000004+00'),
        (5, 'test@example.com',  '1',      'test',  '2025-01-01 00:00:00.000005+00')`);
    await env.destination.query(`
      CREATE TABLE public.orders (
        id bigint PRIMARY KEY, customer_hash text NOT NULL, amount numeric(12,2) NOT NULL, order_status text NOT NULL,
        is_large boolean NOT NULL, updated_at timestamptz NOT NULL
      )`);
    const config = env.config({ transform: TRANSFORM, maxQuarantineRate: 1 });
    const [result] = await env.run(config);
    expect(result!.error).toBeNull();
    expect(result!.counters).toMatchObject({ extracted: 5, loaded: 2, quarantined: 2, unchanged: 1 });

    const { rows } = await env.destination.query<Record<string, string>>(
      'SELECT id::text, customer_hash, amount::text, order_status, is_large::text, updated_at::text FROM public.orders ORDER BY id',
    );
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(rows).toEqual([
      { id: '1', customer_hash: sha('ada@example.com'), amount: '1234.56', order_status: 'paid', is_large: 'true', updated_at: '2025-01-01 00:00:00.000001+00' },
      { id: '2', customer_hash: sha('bob@example.com'), amount: '0.99', order_status: 'new', is_large: 'false', updated_at: '2025-01-01 00:00:00.000002+00' },
    ]);
    const { rows: quarantined } = await env.destination.query<{ row_key: unknown; error: string; payload: Record<string, unknown> }>(
      'SELECT row_key, error, payload FROM syncfleet.quarantine ORDER BY row_key::text',
    );
    expect(quarantined.map((row) => row.row_key)).toEqual([['3'], ['4']]);
    expect(quarantined[0]!.error).toMatch(/^transform schema: customer_email: Invalid email/);
    expect(quarantined[1]!.error).toMatch(/^transform schema: amount_cents: /);
    expect(quarantined[0]!.payload).toMatchObject({ id: '3', customer_email: 'not-an-email' });

    // A second run changes nothing and writes nothing.
    const [again] = await env.run(config);
    expect(again!.counters).toMatchObject({ extracted: 0, loaded: 0 });
  });

  test('with a transform the destination table must exist: the run says so', async ({ env }) => {
    await env.source.query('CREATE TABLE public.orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)');
    await env.source.query(`INSERT INTO public.orders VALUES (1, now() - interval '1 hour')`);
    const [result] = await env.run(env.config({ transform: TRANSFORM }));
    expect(result!.error).toMatch(/destination public\.orders does not exist/);
  });
  test('the CLI loads transforms that use all of TypeScript (enums, parameter properties, .js specifiers)', async ({ env }) => {
    await env.source.query('CREATE TABLE public.readings (id int PRIMARY KEY, n int, updated_at timestamptz NOT NULL)');
    await env.source.query(`INSERT INTO public.readings SELECT g, g, '2025-01-01'::timestamptz + g * interval '1 s' FROM generate_series(1, 10) g`);
    await env.destination.query('CREATE TABLE public.readings (id int PRIMARY KEY, level int NOT NULL, updated_at timestamptz NOT NULL)');
    const dir = await mkdtemp(join(tmpdir(), 'syncfleet-full-ts-'));
    const configPath = join(dir, 'syncfleet.json');
    await writeFile(
      configPath,
      JSON.stringify(env.rawConfig({ source: { table: 'public.readings' }, destination: { table: 'public.readings' }, transform: './test/fixtures/full-typescript/transform.ts' })),
    );
    try {
      const cli = env.spawnCli(['--config', configPath, 'run']);
      const { code } = await cli.exited;
      expect(code, cli.stderr()).toBe(0);
      expect(cli.stdout()).toMatch(/extracted=10 loaded=10/);
      const { rows } = await env.destination.query<{ level: number; n: string }>('SELECT level, count(*)::text AS n FROM public.readings GROUP BY level ORDER BY level');
      expect(rows).toEqual([
        { level: 1, n: '4' },
        { level: 2, n: '6' },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
