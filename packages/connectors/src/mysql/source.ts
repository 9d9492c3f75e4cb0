import { SyncfleetError, type MysqlSourceConfig } from '@syncfleet/core';
import type { SourceConnector } from '../connector.ts';
import type { MysqlPoolRegistry } from './pool-registry.ts';

export function createMysqlSource(_config: MysqlSourceConfig, _pools: MysqlPoolRegistry): SourceConnector {
  throw new SyncfleetError('CONFIG_INVALID', 'MySQL sources are not available yet');
}
