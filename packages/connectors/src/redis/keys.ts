/**
 * Syncfleet's own Redis keys, under the fleet's queue prefix so that fleets sharing a Redis
 * (and tests sharing one) never see each other. BullMQ keeps its keys at `<prefix>:<queue>:…`;
 * ours live at `<prefix>:_syncfleet:…`, a name no pipeline may take.
 */
export function syncfleetKey(prefix: string, ...parts: string[]): string {
  return [prefix, '_syncfleet', ...parts].join(':');
}

export const scanLockKey = (prefix: string, pipeline: string) => syncfleetKey(prefix, 'lock', 'scan', pipeline);
export const checkpointLockKey = (prefix: string, pipeline: string) => syncfleetKey(prefix, 'lock', 'checkpoint', pipeline);
/** Set after a batch commits; whoever holds the checkpoint lock advances until it stays unset. */
export const checkpointPendingKey = (prefix: string, pipeline: string) => syncfleetKey(prefix, 'checkpoint-pending', pipeline);
export const frontierKey = (prefix: string, pipeline: string) => syncfleetKey(prefix, 'frontier', pipeline);
