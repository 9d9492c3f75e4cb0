import { describe, expect, it } from 'vitest';
import { parseConfig } from './config-parse.ts';
import { ConfigError } from './errors.ts';

const valid = `
redis: redis://127.0.0.1:6379
pipelines:
  - name: orders
    source:
      kind: postgres
      url: \${SHOP_URL:-postgres://postgres@127.0.0.1:5432/shop}
      table: public.orders
      key: [id]
      cursor: updated_at
    destination:
      kind: postgres
      url: postgres://postgres@127.0.0.1:5432/warehouse
      table: public.orders
    lag: 5s
`;

function problemsOf(text: string, env: Record<string, string> = {}): readonly string[] {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies defaults and interpolates the environment', () => {
    const config = parseConfig(valid, { SHOP_URL: 'postgres://u@db:5432/shop' });
    const pipeline = config.pipelines[0]!;
    expect(pipeline.source).toMatchObject({ url: 'postgres://u@db:5432/shop' });
    expect(pipeline.lag).toBe(5000);
    expect(pipeline.batchSize).toBe(5000);
    expect(pipeline.destination).toMatchObject({ conflict: 'latest-wins' });
    expect(pipeline.onDeadLetter).toBe('block');
    expect(config.queuePrefix).toBe('syncfleet');
  });

  it('uses the default when the variable is unset', () => {
    expect(parseConfig(valid, {}).pipelines[0]!.source).toMatchObject({ url: 'postgres://postgres@127.0.0.1:5432/shop' });
  });

  it('names the path and the fix for a missing key', () => {
    const problems = problemsOf(valid.replace('      key: [id]\n', ''));
    expect(problems).toEqual(['pipelines[0].source.key: required — the primary-key columns, e.g. [id]']);
  });

  it('reports an unset variable without a default', () => {
    const problems = problemsOf(valid.replace('${SHOP_URL:-postgres://postgres@127.0.0.1:5432/shop}', '${SHOP_URL}'));
    expect(problems[0]).toMatch(/^pipelines\[0\]\.source\.url: environment variable SHOP_URL is not set/);
  });

  it('rejects both table and query, bad durations and unknown strategies at once', () => {
    const text = valid
      .replace('      table: public.orders\n      key', '      table: public.orders\n      query: select 1\n      key')
      .replace('lag: 5s', 'lag: soon')
      .replace('      table: public.orders\n    lag', '      table: public.orders\n      conflict: newest\n    lag');
    const problems = problemsOf(text);
    expect(problems).toContain('pipelines[0].source.table: give exactly one of `table` (e.g. public.orders) or `query` (a SELECT that includes the key and cursor columns)');
    expect(problems.some((p) => p.startsWith('pipelines[0].lag: "soon" is not a duration'))).toBe(true);
    expect(problems.some((p) => p.startsWith('pipelines[0].destination.conflict: expected one of latest-wins'))).toBe(true);
  });

  it('rejects duplicate pipeline names and malformed YAML', () => {
    const doubled = valid + valid.split('pipelines:\n')[1];
    expect(problemsOf(doubled)).toContain('pipelines[1].name: duplicate pipeline name "orders" — names must be unique');
    expect(problemsOf('pipelines: [')[0]).toMatch(/^YAML: /);
  });
});

describe('parseConfig connector kinds', () => {
  it('names the supported kinds for an unknown one', () => {
    const problems = problemsOf(valid.replace('      kind: postgres\n      url: ${SHOP', '      kind: oracle\n      url: ${SHOP'));
    expect(problems).toEqual(['pipelines[0].source.kind: unsupported source kind — use one of postgres | mysql | mariadb | http | files | s3 | module']);
  });

  it('checks a MariaDB source like a Postgres one and a module sink needs a state database', () => {
    const text = valid
      .replace('kind: postgres\n      url: ${SHOP_URL:-postgres://postgres@127.0.0.1:5432/shop}', 'kind: mariadb\n      url: postgres://x/y')
      .replace('      kind: postgres\n      url: postgres://postgres@127.0.0.1:5432/warehouse\n      table: public.orders\n', '      kind: module\n      path: ./crm.ts\n');
    const problems = problemsOf(text);
    expect(problems).toContain('pipelines[0].source.url: must start with mysql:// — e.g. mysql://user@host:3306/db');
    expect(problems).toContain('pipelines[0].destination.state: required — a PostgreSQL connection URL, e.g. postgres://postgres@127.0.0.1:5432/shop');
  });

  it('accepts a transform module path', () => {
    const config = parseConfig(valid.replace('    lag: 5s', '    lag: 5s\n    transform: ./transforms/orders.ts'), {});
    expect(config.pipelines[0]!.transform).toBe('./transforms/orders.ts');
  });
});

describe('destination-specific conflict strategies', () => {
  it('refuses source-wins for a MariaDB destination, naming what to use instead', () => {
    const text = valid.replace(
      "      url: postgres://postgres@127.0.0.1:5432/warehouse\n      table: public.orders",
      '      url: mysql://root@127.0.0.1:3306/warehouse\n      table: orders\n      conflict: source-wins',
    ).replace('      kind: postgres\n      url: mysql', '      kind: mariadb\n      url: mysql');
    expect(problemsOf(text)).toEqual([
      'pipelines[0].destination.conflict: source-wins is not supported for MySQL/MariaDB destinations yet — use latest-wins, merge or dest-wins',
    ]);
  });
});
