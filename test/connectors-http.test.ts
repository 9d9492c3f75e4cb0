import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect } from 'vitest';
import { parseConfig } from '@syncfleet/core';
import { createOrdersTable, test } from './support/sync-fixture.ts';

/** A real HTTP API on loopback; each test scripts its behaviour and reads what it saw. */
async function startApi(handle: (request: IncomingMessage, url: URL, body: string, response: ServerResponse) => void): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handle(request, new URL(request.url ?? '/', 'http://127.0.0.1'), body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

interface Item {
  id: number;
  name: string;
  amount: string;
  updated_at: string;
}

const at = (second: number) => `2025-01-01T00:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000001Z`;

async function createItemsTable(env: { destination: import('pg').Pool }): Promise<void> {
  await env.destination.query(
    'CREATE TABLE public.items (id bigint PRIMARY KEY, name text, amount numeric(10,2), updated_at timestamptz NOT NULL)',
  );
}

describe('HTTP API source', () => {
  test('numbers beyond double precision arrive digit for digit, and re-read as unchanged', async ({ env }) => {
    // Written by hand: JSON.stringify cannot produce these numbers, which is the point.
    const body =
      '{"items": [' +
      '{"id": 9223372036854775807, "amount": 12345678901234567.25, "meta": {"ref": 98765432109876543210, "ok": true}, "updated_at": "2025-01-01T00:00:00Z"},' +
      '{"id": 2, "amount": 1.50, "meta": {"ref": 7}, "updated_at": "2025-01-01T00:00:01Z"}' +
      '], "next": null}';
    const url = await startApi((_request, _url, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    await env.destination.query('CREATE TABLE public.items (id bigint PRIMARY KEY, amount numeric(30,2), meta jsonb, updated_at timestamptz NOT NULL)');
    const config = env.config({
      source: { kind: 'http', url: `${url}/items?cursor={cursor}`, items: 'items', nextCursor: 'next', columns: ['id', 'amount', 'meta', 'updated_at'], table: undefined },
      destination: { table: 'public.items' },
    });
    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    const { rows } = await env.destination.query<{ id: string; amount: string; ref: string }>(
      "SELECT id::text, amount::text, meta->>'ref' AS ref FROM public.items ORDER BY id",
    );
    expect(rows).toEqual([
      { id: '2', amount: '1.50', ref: '7' },
      { id: '9223372036854775807', amount: '12345678901234567.25', ref: '98765432109876543210' },
    ]);
    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 2, loaded: 0, unchanged: 2 });
  });

  test('cursor pagination with auth from the environment, through a 429 with Retry-After and a 500', async ({ env }) => {
    const items: Item[] = Array.from({ length: 230 }, (_, index) => ({ id: index + 1, name: `item ${index + 1}`, amount: `${index}.50`, updated_at: at(index) }));
    const seen = { throttled: 0, failed: 0, unauthorised: 0, pages: 0 };
    let failedOnce = false;
    const url = await startApi((request, requestUrl, _body, response) => {
      if (request.headers.authorization !== 'Bearer s3cret') return (seen.unauthorised++, json(response, 401, { error: 'no' }));
      const offset = Number(requestUrl.searchParams.get('cursor') || '0');
      if (seen.pages === 0 && seen.throttled === 0) return (seen.throttled++, json(response, 429, { error: 'slow down' }, { 'retry-after': '0' }));
      if (offset === 100 && !failedOnce) return ((failedOnce = true), seen.failed++, json(response, 500, { error: 'oops' }));
      seen.pages++;
      const limit = Number(requestUrl.searchParams.get('limit'));
      const page = items.slice(offset, offset + limit);
      json(response, 200, { data: { results: page }, meta: { next: offset + limit < items.length ? String(offset + limit) : null } });
    });
    await createItemsTable(env);
    const raw = env.rawConfig({
      source: {
        kind: 'http',
        url: `${url}/items?cursor={cursor}&limit={limit}`,
        items: 'data.results',
        nextCursor: 'meta.next',
        headers: { Authorization: 'Bearer ${API_TOKEN}' },
        columns: ['id', 'name', 'amount', 'updated_at'],
        table: undefined,
      },
      destination: { table: 'public.items' },
    });
    const config = parseConfig(JSON.stringify(raw), { API_TOKEN: 's3cret' });

    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 230, loaded: 230 });
    expect(seen).toMatchObject({ throttled: 1, failed: 1, unauthorised: 0 });
    const { rows } = await env.destination.query<{ n: string; total: string }>('SELECT count(*) AS n, sum(amount)::text AS total FROM public.items');
    expect(rows[0]).toEqual({ n: '230', total: String(items.reduce((sum, item) => sum + Number(item.amount), 0).toFixed(2)) });
    expect(first!.watermark).toBe(JSON.stringify(['3', '1970-01-01T00:00:00Z', '200']));

    // The last page is fetched again and finds new items appended to it; nothing else is rewritten.
    items.push({ id: 231, name: 'late', amount: '1.00', updated_at: at(300) });
    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 31, loaded: 1, unchanged: 30 });
  });

  test('updated_since pagination resumes from the last item the API returned', async ({ env }) => {
    const items: Item[] = Array.from({ length: 40 }, (_, index) => ({ id: index + 1, name: `n${index + 1}`, amount: '1.00', updated_at: at(index) }));
    const sinces: string[] = [];
    const url = await startApi((_request, requestUrl, _body, response) => {
      const since = requestUrl.searchParams.get('updated_since')!;
      const offset = Number(requestUrl.searchParams.get('page') || '0');
      if (offset === 0) sinces.push(since);
      const matching = items.filter((item) => item.updated_at >= since).sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : a.id - b.id));
      const page = matching.slice(offset, offset + 15);
      json(response, 200, { items: page, next_cursor: offset + 15 < matching.length ? String(offset + 15) : null });
    });
    await createItemsTable(env);
    const config = env.config({
      source: {
        kind: 'http',
        pagination: 'updated_since',
        url: `${url}/items?updated_since={since}&page={cursor}`,
        columns: ['id', 'name', 'amount', 'updated_at'],
        table: undefined,
      },
      destination: { table: 'public.items' },
    });
    const [first] = await env.run(config);
    expect(first!.counters).toMatchObject({ extracted: 40, loaded: 40 });

    items[4] = { ...items[4]!, name: 'renamed', updated_at: at(100) };
    const [second] = await env.run(config);
    expect(sinces).toEqual(['1970-01-01T00:00:00Z', at(39)]);
    expect(second!.counters).toMatchObject({ extracted: 2, loaded: 1, unchanged: 1 });
    const { rows } = await env.destination.query<{ name: string }>('SELECT name FROM public.items WHERE id = 5');
    expect(rows[0]!.name).toBe('renamed');
  });
});

describe('HTTP API sink', () => {
  test('one request per batch with the batch id as Idempotency-Key; 503 retried; a re-run sends nothing', async ({ env }) => {
    await createOrdersTable(env.source, 250);
    const received = new Map<string, unknown[]>();
    let requests = 0;
    const url = await startApi((request, _url, body, response) => {
      requests++;
      if (requests === 1) return json(response, 503, { error: 'busy' }, { 'retry-after': '0' });
      const key = String(request.headers['idempotency-key']);
      if (!received.has(key)) received.set(key, (JSON.parse(body) as { records: unknown[] }).records);
      json(response, 201, { ok: true });
    });
    const config = env.config({ destination: { kind: 'http', url: `${url}/bulk`, state: env.destinationUrl, table: undefined } });
    const [first] = await env.run(config);
    expect(first!.error).toBeNull();
    expect(first!.counters).toMatchObject({ extracted: 250, loaded: 250, dead: 0 });
    const records = [...received.values()].flat() as { id: string; status: string }[];
    expect(records).toHaveLength(250);
    expect(new Set(records.map((record) => record.id)).size).toBe(250);
    // Batches are sent concurrently, so look the first row up rather than expect it first.
    expect(records.find((record) => record.id === '1')).toMatchObject({ id: '1', status: 'new', amount: '1.50' });
    const { rows } = await env.destination.query<{ n: string }>("SELECT count(*) AS n FROM syncfleet.ledger WHERE status = 'committed'");
    expect(rows[0]!.n).toBe('3');

    const before = requests;
    const [second] = await env.run(config);
    expect(second!.counters).toMatchObject({ extracted: 0 });
    expect(requests).toBe(before);
  });

  test('per-record requests carry a content-derived key; a 4xx is fatal and dead-letters the batch', async ({ env }) => {
    await createOrdersTable(env.source, 3);
    const keys: string[] = [];
    const url = await startApi((request, _url, body, response) => {
      const record = JSON.parse(body) as { id: string };
      keys.push(String(request.headers['idempotency-key']));
      if (record.id === '3') return json(response, 422, { error: 'amount too large' });
      json(response, 200, { ok: true });
    });
    const config = env.config({
      destination: { kind: 'http', mode: 'record', url: `${url}/orders`, state: env.destinationUrl, table: undefined },
      retry: { attempts: 3, baseDelay: '10ms', maxDelay: '20ms' },
    });
    const [result] = await env.run(config);
    expect(result!.counters).toMatchObject({ dead: 1, retried: 0 });
    expect(result!.error).toMatch(/dead-lettered/);
    expect(keys).toHaveLength(3);
    expect(keys.every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true);
    expect(new Set(keys).size).toBe(3);
  });
});
