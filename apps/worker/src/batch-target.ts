import type { ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources, SinkConnector } from '@syncfleet/connectors';

/**
 * Where a worker writes a pipeline's batches: its sink from the connector registry, which reads
 * what it needs about the destination once per process (a failed read is not cached).
 */
export class BatchTargets {
  constructor(private readonly fleet: FleetResources) {}

  get(pipeline: ResolvedPipeline): Promise<SinkConnector> {
    return this.fleet.connectors.sink(pipeline);
  }
}
