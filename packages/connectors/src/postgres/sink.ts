import { SyncfleetError, type PostgresDestinationConfig, type ResolvedPipeline } from '@syncfleet/core';
import type { PrepareOptions, SinkConnector } from '../connector.ts';
import type { PoolRegistry } from './pool-registry.ts';
import { PostgresBookkeeping } from './bookkeeping.ts';
import { destinationColumnTypes, ensureDestinationTable } from './destination-table.ts';
import { postgresTypeOf } from './logical-type.ts';
import { TYPES_WITHOUT_EQUALITY } from './upsert-sql.ts';
import { writeBatch, type BatchTarget } from './write-batch.ts';

/**
 * A Postgres table as a sink: a thin adapter over destination-table.ts and write-batch.ts. The
 * bookkeeping lives in the same database, so every batch commits with its ledger entry.
 */
export function createPostgresSink(config: PostgresDestinationConfig, pipeline: ResolvedPipeline, pools: PoolRegistry): SinkConnector {
  const pool = () => pools.destination(config.url);
  // What the upsert needs to know about the table, read once per process; a failed read is not kept.
  let target: Promise<BatchTarget> | undefined;
  const loadTarget = async (): Promise<BatchTarget> => {
    const types = await destinationColumnTypes(await pool(), config.table);
    return {
      table: config.table,
      key: pipeline.source.key,
      cursor: pipeline.source.cursor,
      conflict: config.conflict,
      textCompared: new Set([...types].filter(([, type]) => TYPES_WITHOUT_EQUALITY.test(type)).map(([name]) => name)),
    };
  };
  return {
    kind: 'postgres',
    bookkeeping: new PostgresBookkeeping(pool),
    async prepare({ description, key, create }: PrepareOptions) {
      const destination = await pool();
      if (!create) {
        const { rows } = await destination.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [config.table]);
        if (rows[0]?.found == null) {
          throw new SyncfleetError('DESTINATION_SCHEMA', `destination ${config.table} does not exist`, {
            hint: `create it with the columns your transform returns and a primary key on (${key.join(', ')})`,
          });
        }
        await ensureDestinationTable(destination, config.table, [], key);
        return;
      }
      const columns = description.columns.map((column) => ({
        name: column.name,
        type: description.dialect === 'postgres' ? column.type : postgresTypeOf(column.logical),
      }));
      await ensureDestinationTable(destination, config.table, columns, key);
    },
    async write(payload, hooks) {
      target ??= loadTarget();
      target.catch(() => (target = undefined));
      return writeBatch(await pool(), payload, await target, hooks);
    },
  };
}
