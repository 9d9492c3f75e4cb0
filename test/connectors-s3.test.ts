import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { describe, expect } from 'vitest';
import { createS3Source, type SourcePage } from '@syncfleet/connectors';
import { test } from './support/sync-fixture.ts';

const BUCKET = 'exports';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A local S3-compatible server on loopback with one bucket, and a client for the test to upload with. */
async function startS3(): Promise<{ endpoint: string; client: S3Client; stop: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'syncfleet-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const header = 'id,status,amount,updated_at\n';
const line = (id: number) => `${id},new,${id}.10,2025-01-01 00:00:${String(id % 60).padStart(2, '0')}+00\n`;

describe('S3 prefix source', () => {
  test('CSV objects under a prefix are synced once each; other prefixes and patterns are ignored', async ({ env }) => {
    const s3 = await startS3();
    try {
      const put = (key: string, body: string) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      await put('orders/2025-01-01.csv', header + Array.from({ length: 130 }, (_, index) => line(index + 1)).join('') + '131,broken\n');
      await put('orders/readme.txt', 'not data');
      await put('customers/2025-01-01.csv', header + line(999));
      await env.destination.query('CREATE TABLE public.orders (id bigint PRIMARY KEY, status text, amount numeric(12,2), updated_at timestamptz NOT NULL)');
      const config = env.config({
        source: {
          kind: 's3',
          bucket: BUCKET,
          prefix: 'orders/',
          pattern: '*.csv',
          endpoint: s3.endpoint,
          forcePathStyle: true,
          ...credentials,
          format: 'csv',
          columns: ['id', 'status', 'amount', 'updated_at'],
          url: undefined,
          table: undefined,
        },
        batchSize: 50,
        maxQuarantineRate: 1,
      });

      const [first] = await env.run(config);
      expect(first!.error).toBeNull();
      expect(first!.counters).toMatchObject({ extracted: 131, loaded: 130, quarantined: 1 });
      const { rows } = await env.destination.query<{ n: string; max: string }>('SELECT count(*) AS n, max(id)::text AS max FROM public.orders');
      expect(rows[0]).toEqual({ n: '130', max: '130' });
      const { rows: quarantined } = await env.destination.query<{ row_key: unknown; sqlstate: string }>('SELECT row_key, sqlstate FROM syncfleet.quarantine');
      expect(quarantined).toEqual([{ row_key: ['orders/2025-01-01.csv', expect.any(String)], sqlstate: 'FILE_LINE' }]);

      const [second] = await env.run(config);
      expect(second!.counters).toMatchObject({ extracted: 0 });

      await put('orders/2025-01-02.csv', header + line(200) + line(201));
      await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'orders/readme.txt' }));
      const [third] = await env.run(config);
      expect(third!.counters).toMatchObject({ extracted: 2, loaded: 2 });

      // Resuming mid-object is a ranged GET from the byte after the last committed page.
      const source = createS3Source(config.pipelines[0]!.source as Parameters<typeof createS3Source>[0]);
      try {
        const description = await source.describe();
        const pages: SourcePage[] = [];
        for await (const page of source.scan(description, { after: null, cursorBound: null, batchSize: 50 })) pages.push(page);
        expect(pages.map((page) => page.rows.length)).toEqual([50, 50, 30, 2]);
        const resumed: SourcePage[] = [];
        for await (const page of source.scan(description, { after: pages[1]!.hi, cursorBound: null, batchSize: 50 })) resumed.push(page);
        expect(resumed.map((page) => page.rows[0]![0])).toEqual(['101', '200']);
      } finally {
        await source.close?.();
      }
    } finally {
      await s3.stop();
    }
  });
});
