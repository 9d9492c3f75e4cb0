import { SyncfleetError, type BatchRow, type HttpSourceConfig } from '@syncfleet/core';
import type { ScanRequest, SourceConnector, SourceDescription, SourcePage } from '../connector.ts';
import { httpRequest, valueAtPath } from './http-request.ts';
import { parseJsonText, textOfJson } from '../json-text.ts';

/**
 * A paginated HTTP API as a source.
 *
 * An API's page tokens are opaque and its timestamps are strings it alone knows how to order, so
 * the keyset here is not `(cursor, key)` but the scan position `[seq, since, token]`: `seq`
 * counts pages from the first sync (an integer the engine orders exactly), `token` is the page
 * token to fetch next, and `since` the `updated_since` value of the current query. It is
 * checkpointed like any watermark: after a restart the scan resumes at the last committed page.
 *
 * - `cursor` pagination follows the API's next-cursor to the end. The last page's own token is
 *   kept, so the next scan fetches that page again and picks up items appended to it.
 * - `updated_since` pagination runs one query per scan with `{since}` = the cursor field of the
 *   last item seen (the API sorts ascending, so the API, not JavaScript, decides what is last),
 *   following page tokens within it. An inclusive `since` re-reads the items at that instant;
 *   the sink's guards make that free.
 */
export function createHttpSource(config: HttpSourceConfig): SourceConnector {
  return {
    kind: 'http',
    dialect: 'http',
    async describe(): Promise<SourceDescription> {
      return {
        dialect: 'http',
        columns: config.columns.map((name) => ({ name, type: 'text', logical: 'text' })),
        keysetTypes: ['seq', 'since', 'token'],
      };
    },
    cursorBound: async () => null,
    scan: (_description, request) => scanPages(config, request),
    async orderKeysets(keysets) {
      const seqOf = (keyset: string) => BigInt((JSON.parse(keyset) as string[])[0] ?? '0');
      return [...new Set(keysets)].sort((a, b) => {
        const difference = seqOf(a) - seqOf(b);
        return difference < 0n ? -1 : difference > 0n ? 1 : a < b ? -1 : a > b ? 1 : 0;
      });
    },
  };
}

function urlFor(template: string, token: string, since: string, limit: number): string {
  return template
    .replaceAll('{cursor}', encodeURIComponent(token))
    .replaceAll('{since}', encodeURIComponent(since))
    .replaceAll('{limit}', String(limit));
}

async function* scanPages(config: HttpSourceConfig, request: ScanRequest): AsyncGenerator<SourcePage> {
  let [seqText, since, token] = request.after ?? ['0', config.since, ''];
  let seq = BigInt(seqText ?? '0');
  since ??= config.since;
  token ??= '';
  for (;;) {
    const url = urlFor(config.url, token, since, request.batchSize);
    const { body } = await httpRequest(url, { headers: config.headers, timeoutMs: config.timeout, maxRetries: config.maxRetries });
    let document: unknown;
    try {
      document = parseJsonText(body);
    } catch (error) {
      throw new SyncfleetError('SOURCE_SCHEMA', `${new URL(url).pathname} did not answer JSON: ${(error as Error).message}`, {
        cause: error,
        hint: 'check source.url — it must return a JSON document',
      });
    }
    const items = valueAtPath(document, config.items);
    if (!Array.isArray(items)) {
      throw new SyncfleetError('SOURCE_SCHEMA', `the response has no array at "${config.items}"`, {
        hint: 'set source.items to the dot path of the list of records, e.g. data or result.items',
      });
    }
    const nextValue = valueAtPath(document, config.nextCursor);
    const next = nextValue === '' ? null : textOfJson(nextValue);
    const rows: BatchRow[] = items.map((item) => config.columns.map((column) => textOfJson(valueAtPath(item, column))));
    const last = rows.length > 0 ? items[items.length - 1] : undefined;
    seq += 1n;
    let hi: string[];
    if (next !== null) hi = [String(seq), since, next];
    else if (config.pagination === 'updated_since' && last !== undefined) {
      hi = [String(seq), textOfJson(valueAtPath(last, config.cursor)) ?? since, ''];
    } else hi = [String(seq), since, token];
    if (rows.length > 0) yield { rows, hi };
    if (next === null) return;
    token = next;
  }
}
