import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  SyncfleetError,
  type ModuleDestinationConfig,
  type ModuleSourceConfig,
} from '@syncfleet/core';
import type { ConnectorContext, SinkConnector, SourceConnector } from './connector.ts';
import { PostgresBookkeeping } from './postgres/bookkeeping.ts';
import { sinkWithStateLedger, type ModuleSinkWriter } from './state-ledger-sink.ts';

/**
 * Connectors written by users, referenced from the config as `kind: module, path: …`. The path
 * is resolved against the working directory and loaded with a dynamic import; TypeScript
 * modules load as they are, through tsx (see `ensureTsxLoader`). A module exports
 *
 *   createSource(options, context): SourceConnector                    (see connector.ts)
 *   createSink(options, context): ModuleSinkWriter
 *
 * A module sink keeps its ledger in the PostgreSQL `state` database: the engine skips a batch
 * the ledger already holds, otherwise calls `write` and then records the batch. A crash between
 * the two repeats the write with the same `idempotencyKey`, so `write` must be idempotent per
 * key (an HTTP `Idempotency-Key` header, an upsert, a dedupe table).
 */
export type { ModuleSinkBatch, ModuleSinkWriter } from './state-ledger-sink.ts';

interface ConnectorModule {
  readonly createSource?: (options: Readonly<Record<string, unknown>>, context: ConnectorContext) => SourceConnector | Promise<SourceConnector>;
  readonly createSink?: (options: Readonly<Record<string, unknown>>, context: ConnectorContext) => ModuleSinkWriter | Promise<ModuleSinkWriter>;
}

let tsxLoader: Promise<void> | undefined;

/**
 * Where Node strips types itself (bin/syncfleet.mjs on Node 24), it refuses TypeScript that is
 * more than annotations (enums, parameter properties) and `./x.js` specifiers meant for `x.ts`.
 * Users' modules keep full TypeScript: tsx is registered before the first one loads. Elsewhere
 * tsx is already in place (Node 20) or the test runner compiles TypeScript itself.
 */
function ensureTsxLoader(): Promise<void> {
  tsxLoader ??= (async () => {
    if (!(process.features as { typescript?: unknown }).typescript) return;
    const { register } = await import('tsx/esm/api');
    register();
  })();
  return tsxLoader;
}

export async function importUserModule<T>(path: string, what: string): Promise<T> {
  const file = resolve(path);
  try {
    if (/\.[cm]?ts$/.test(file)) await ensureTsxLoader();
    return (await import(pathToFileURL(file).href)) as T;
  } catch (error) {
    throw new SyncfleetError('CONFIG_INVALID', `cannot load ${what} ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: `the path is resolved against the working directory (${file}); check it exists and compiles`,
    });
  }
}

export async function createModuleSource(config: ModuleSourceConfig, context: ConnectorContext): Promise<SourceConnector> {
  const module = await importUserModule<ConnectorModule>(config.path, 'source module');
  if (typeof module.createSource !== 'function') {
    throw new SyncfleetError('CONFIG_INVALID', `source module ${config.path} does not export createSource`, {
      hint: 'export function createSource(options, context): SourceConnector — see "Write your own connector" in README',
    });
  }
  return module.createSource(config.options, context);
}

export async function createModuleSink(config: ModuleDestinationConfig, context: ConnectorContext): Promise<SinkConnector> {
  const module = await importUserModule<ConnectorModule>(config.path, 'sink module');
  if (typeof module.createSink !== 'function') {
    throw new SyncfleetError('CONFIG_INVALID', `sink module ${config.path} does not export createSink`, {
      hint: 'export function createSink(options, context): { write(batch) } — see "Write your own connector" in README',
    });
  }
  const writer = await module.createSink(config.options, context);
  return sinkWithStateLedger('module', writer, new PostgresBookkeeping(() => context.postgres.destination(config.state)));
}
