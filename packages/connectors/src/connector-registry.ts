import type { ResolvedPipeline } from '@syncfleet/core';
import type { ConnectorContext, SinkConnector, SourceConnector } from './connector.ts';
import { createFilesSource } from './files/source.ts';
import { createS3Source } from './s3/source.ts';
import { createHttpSink } from './http/sink.ts';
import { createHttpSource } from './http/source.ts';
import { createModuleSink, createModuleSource } from './module-connector.ts';
import { MysqlPoolRegistry } from './mysql/pool-registry.ts';
import { createMysqlSink } from './mysql/sink.ts';
import { createMysqlSource } from './mysql/source.ts';
import type { PoolRegistry } from './postgres/pool-registry.ts';
import { createPostgresSink } from './postgres/sink.ts';
import { createPostgresSource } from './postgres/source.ts';

type SourceConfig = ResolvedPipeline['source'];
type DestinationConfig = ResolvedPipeline['destination'];

/** `kind` → connector. A new system adds one line here and one branch of the config union. */
export function createSource(config: SourceConfig, context: ConnectorContext): SourceConnector | Promise<SourceConnector> {
  switch (config.kind) {
    case 'postgres':
      return createPostgresSource(config, context.postgres);
    case 'mysql':
    case 'mariadb':
      return createMysqlSource(config, context.mysql);
    case 'http':
      return createHttpSource(config);
    case 'files':
      return createFilesSource(config);
    case 's3':
      return createS3Source(config);
    case 'module':
      return createModuleSource(config, context);
  }
}

export function createSink(config: DestinationConfig, context: ConnectorContext): SinkConnector | Promise<SinkConnector> {
  switch (config.kind) {
    case 'postgres':
      return createPostgresSink(config, context.pipeline, context.postgres);
    case 'mysql':
    case 'mariadb':
      return createMysqlSink(config, context.pipeline, context.mysql);
    case 'http':
      return createHttpSink(config, context.postgres);
    case 'module':
      return createModuleSink(config, context);
  }
}

/**
 * The connectors of one process: one source and one sink per pipeline, created on first use
 * and sharing the process's pools. A failed creation is not kept, so a later call retries.
 */
export class ConnectorRegistry {
  readonly mysql: MysqlPoolRegistry;
  private readonly sources = new Map<string, Promise<SourceConnector>>();
  private readonly sinks = new Map<string, Promise<SinkConnector>>();
  private closing: Promise<void> | undefined;

  private readonly postgres: PoolRegistry;

  constructor(postgres: PoolRegistry, options: { poolSize?: number } = {}) {
    this.postgres = postgres;
    this.mysql = new MysqlPoolRegistry({ max: options.poolSize ?? 4 });
  }

  source(pipeline: ResolvedPipeline): Promise<SourceConnector> {
    return this.cached(this.sources, pipeline.name, async () => createSource(pipeline.source, this.context(pipeline)));
  }

  sink(pipeline: ResolvedPipeline): Promise<SinkConnector> {
    return this.cached(this.sinks, pipeline.name, async () => createSink(pipeline.destination, this.context(pipeline)));
  }

  private context(pipeline: ResolvedPipeline): ConnectorContext {
    return { pipeline, postgres: this.postgres, mysql: this.mysql };
  }

  private cached<T>(map: Map<string, Promise<T>>, name: string, create: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error('connector registry is closed'));
    let entry = map.get(name);
    if (!entry) {
      entry = create();
      map.set(name, entry);
      entry.catch(() => map.delete(name));
    }
    return entry;
  }

  /** Closes the connectors, then the MySQL pools; Postgres pools belong to FleetResources. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const all = await Promise.allSettled([...this.sources.values(), ...this.sinks.values()]);
      await Promise.allSettled(
        all.flatMap((result) => (result.status === 'fulfilled' && result.value.close ? [result.value.close()] : [])),
      );
      await this.mysql.close();
    })();
    return this.closing;
  }
}
