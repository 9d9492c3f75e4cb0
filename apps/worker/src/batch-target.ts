import type { ResolvedPipeline } from '@syncfleet/core';
import { TYPES_WITHOUT_EQUALITY, destinationColumnTypes, type BatchTarget, type FleetResources } from '@syncfleet/connectors';

/**
 * What a worker needs to know about a destination table, read once per pipeline and process:
 * which columns need comparing as text. A failed read is not cached.
 */
export class BatchTargets {
  private readonly targets = new Map<string, Promise<BatchTarget>>();

  constructor(private readonly fleet: FleetResources) {}

  get(pipeline: ResolvedPipeline): Promise<BatchTarget> {
    let target = this.targets.get(pipeline.name);
    if (!target) {
      target = this.load(pipeline);
      this.targets.set(pipeline.name, target);
      target.catch(() => this.targets.delete(pipeline.name));
    }
    return target;
  }

  private async load(pipeline: ResolvedPipeline): Promise<BatchTarget> {
    const pool = await this.fleet.pools.destination(pipeline.destination.url);
    const types = await destinationColumnTypes(pool, pipeline.destination.table);
    const textCompared = new Set([...types].filter(([, type]) => TYPES_WITHOUT_EQUALITY.test(type)).map(([name]) => name));
    return {
      table: pipeline.destination.table,
      key: pipeline.source.key,
      cursor: pipeline.source.cursor,
      conflict: pipeline.destination.conflict,
      textCompared,
    };
  }
}
