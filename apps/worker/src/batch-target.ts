import type { ResolvedPipeline, TransformModule } from '@syncfleet/core';
import { loadTransform, type FleetResources, type SinkConnector } from '@syncfleet/connectors';

/**
 * Where a worker writes a pipeline's batches: its sink from the connector registry, which reads
 * what it needs about the destination once per process, and its transform module, loaded once
 * per process. A failed load is not cached.
 */
export class BatchTargets {
  private readonly transforms = new Map<string, Promise<TransformModule>>();

  private readonly fleet: FleetResources;

  constructor(fleet: FleetResources) {
    this.fleet = fleet;
  }

  get(pipeline: ResolvedPipeline): Promise<SinkConnector> {
    return this.fleet.connectors.sink(pipeline);
  }

  transform(path: string): Promise<TransformModule> {
    let module = this.transforms.get(path);
    if (!module) {
      module = loadTransform(path);
      this.transforms.set(path, module);
      module.catch(() => this.transforms.delete(path));
    }
    return module;
  }
}
