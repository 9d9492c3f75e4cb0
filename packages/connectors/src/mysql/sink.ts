import { SyncfleetError, type MysqlDestinationConfig, type ResolvedPipeline } from '@syncfleet/core';
import type { SinkConnector } from '../connector.ts';
import type { MysqlPoolRegistry } from './pool-registry.ts';

export function createMysqlSink(_config: MysqlDestinationConfig, _pipeline: ResolvedPipeline, _pools: MysqlPoolRegistry): SinkConnector {
  throw new SyncfleetError('CONFIG_INVALID', 'MySQL sinks are not available yet');
}
