import type { PostgresSourceConfig } from '@syncfleet/core';
import type { SourceConnector, SourceDescription } from '../connector.ts';
import type { PoolRegistry } from './pool-registry.ts';
import { describeSource } from './relation.ts';
import { countNullCursorRows, cursorBoundFor, keysetScan, keysetTypes } from './keyset-scan.ts';
import { orderPostgresKeysets } from './keyset-order.ts';
import { logicalTypeOfPostgres } from './logical-type.ts';

/** A Postgres table or query as a source: a thin adapter over relation.ts and keyset-scan.ts. */
export function createPostgresSource(config: PostgresSourceConfig, pools: PoolRegistry): SourceConnector {
  const pool = () => pools.get(config.url);
  return {
    kind: 'postgres',
    dialect: 'postgres',
    async describe(): Promise<SourceDescription> {
      const columns = await describeSource(pool(), config);
      return {
        dialect: 'postgres',
        columns: columns.map((column) => ({ ...column, logical: logicalTypeOfPostgres(column.type) })),
        keysetTypes: keysetTypes(config, columns),
      };
    },
    cursorBound: (description, lagMs) => cursorBoundFor(pool(), description.keysetTypes[0]!, lagMs),
    scan: (description, request) =>
      keysetScan(pool(), {
        source: config,
        columns: description.columns,
        batchSize: request.batchSize,
        after: request.after,
        cursorBound: request.cursorBound,
      }),
    orderKeysets: (keysets, types) => orderPostgresKeysets(pool(), keysets, types),
    async diagnose() {
      const nulls = await countNullCursorRows(pool(), config);
      return nulls > 0
        ? [`${nulls} source row(s) with NULL ${config.cursor} are never synced — make the cursor column NOT NULL or backfill it`]
        : [];
    },
  };
}
