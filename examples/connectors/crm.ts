import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchRow } from '@syncfleet/core';
import type { ModuleSinkWriter, SourceConnector, SourceDescription } from '@syncfleet/connectors';

/**
 * An example connector module, referenced from a pipeline as
 *
 *   source:      { kind: module, path: ./examples/connectors/crm.ts, options: { export: ./crm-export.json }, key: [id], cursor: version }
 *   destination: { kind: module, path: ./examples/connectors/crm.ts, options: { outbox: ./outbox }, state: postgres://…/syncfleet_state }
 *
 * The source reads a CRM's contact export (a JSON array); the sink posts batches to an outbox
 * directory, one file per batch named by its idempotency key. Both are deliberately small: what
 * they show is the contract, not the CRM.
 */

interface Contact {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  /** A change counter the CRM bumps on every edit: the cursor. */
  readonly version: number;
}

const COLUMNS = ['id', 'email', 'name', 'version'] as const;

export function createSource(options: Readonly<Record<string, unknown>>): SourceConnector {
  const file = String(options.export);
  // Keysets are [version, id] as decimal text. Ordering them is the source's job; the numbers
  // are integers, so BigInt compares them exactly.
  const parse = (keyset: string) => (JSON.parse(keyset) as string[]).map((part) => BigInt(part));
  const compare = (a: readonly bigint[], b: readonly bigint[]) => (a[0]! !== b[0]! ? (a[0]! < b[0]! ? -1 : 1) : a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0);
  return {
    kind: 'crm',
    dialect: 'crm',
    async describe(): Promise<SourceDescription> {
      return {
        dialect: 'crm',
        columns: [
          { name: 'id', type: 'integer', logical: 'int64' },
          { name: 'email', type: 'string', logical: 'text' },
          { name: 'name', type: 'string', logical: 'text' },
          { name: 'version', type: 'integer', logical: 'int64' },
        ],
        keysetTypes: ['integer', 'integer'],
      };
    },
    cursorBound: async () => null,
    async *scan(_description, request) {
      const contacts = JSON.parse(await readFile(file, 'utf8')) as Contact[];
      const after = request.after?.map((part) => BigInt(part)) ?? null;
      const ordered = contacts
        .map((contact) => ({ contact, at: [BigInt(contact.version), BigInt(contact.id)] as const }))
        .filter(({ at }) => after === null || compare(at, after) > 0)
        .sort((a, b) => compare(a.at, b.at));
      for (let start = 0; start < ordered.length; start += request.batchSize) {
        const page = ordered.slice(start, start + request.batchSize);
        const rows: BatchRow[] = page.map(({ contact }) => COLUMNS.map((column) => String(contact[column])));
        const last = page[page.length - 1]!.contact;
        yield { rows, hi: [String(last.version), String(last.id)] };
      }
    },
    async orderKeysets(keysets) {
      return [...new Set(keysets)].sort((a, b) => compare(parse(a), parse(b)));
    },
  };
}

export function createSink(options: Readonly<Record<string, unknown>>): ModuleSinkWriter {
  const outbox = String(options.outbox);
  return {
    async write(batch) {
      await mkdir(outbox, { recursive: true });
      // Named by the idempotency key and renamed into place: a retried batch rewrites the same
      // file with the same content, so the receiver sees each batch once.
      const target = join(outbox, `${batch.idempotencyKey}.json`);
      await writeFile(`${target}.tmp`, JSON.stringify(batch.records));
      await rename(`${target}.tmp`, target);
      return { loaded: batch.records.length };
    },
  };
}
