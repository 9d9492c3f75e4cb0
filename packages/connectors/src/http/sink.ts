import { createHash } from 'node:crypto';
import type { HttpDestinationConfig } from '@syncfleet/core';
import type { SinkConnector } from '../connector.ts';
import type { PoolRegistry } from '../postgres/pool-registry.ts';
import { PostgresBookkeeping } from '../postgres/bookkeeping.ts';
import { sinkWithStateLedger, type ModuleSinkWriter } from '../state-ledger-sink.ts';
import { httpRequest } from './http-request.ts';

/**
 * An HTTP API as a sink. `batch` mode sends one request per batch, `{ "records": [...] }`, with
 * `Idempotency-Key` = the batch id (pipeline, range and content hash); `record` mode sends one
 * request per record with `Idempotency-Key` = a hash of the pipeline and the record's content.
 * 408/429/5xx are retried (honouring Retry-After), then left to the queue's backoff; any other
 * 4xx is fatal and the batch goes to the dead-letter queue. The ledger lives in `state`.
 */
export function createHttpSink(config: HttpDestinationConfig, pools: PoolRegistry): SinkConnector {
  const headers = { 'content-type': 'application/json', ...config.headers };
  const send = (body: unknown, idempotencyKey: string) =>
    httpRequest(config.url, {
      method: config.method,
      headers: { ...headers, 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
      timeoutMs: config.timeout,
      maxRetries: config.maxRetries,
    });
  const writer: ModuleSinkWriter = {
    async write(batch) {
      if (config.mode === 'batch') {
        await send({ records: batch.records }, batch.idempotencyKey);
      } else {
        for (const record of batch.records) {
          const key = createHash('sha256').update(batch.payload.pipeline).update('\0').update(JSON.stringify(record)).digest('hex');
          await send(record, key);
        }
      }
      return { loaded: batch.records.length };
    },
  };
  return sinkWithStateLedger('http', writer, new PostgresBookkeeping(() => pools.destination(config.state)));
}
