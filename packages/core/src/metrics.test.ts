import { describe, expect, it } from 'vitest';
import { SyncfleetMetrics } from './metrics.ts';

async function valueOf(metrics: SyncfleetMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const matching = metric?.values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return matching?.value;
}

describe('SyncfleetMetrics', () => {
  it('counts rows by stage and batches by outcome, per pipeline', async () => {
    const metrics = new SyncfleetMetrics();
    metrics.initPipeline('orders');
    metrics.recordExtract('orders', { rows: 100, rejected: 2 }, 0.02);
    metrics.recordOutcome('orders', { extracted: 100, loaded: 97, unchanged: 2, quarantined: 1, duplicate: false });
    metrics.recordOutcome('orders', { extracted: 100, loaded: 0, unchanged: 0, quarantined: 0, duplicate: true });
    metrics.recordFailure('orders', 'retried');
    metrics.recordTimings('orders', { loadMs: 40, checkpointMs: 3 });
    expect(await valueOf(metrics, 'syncfleet_rows_total', { pipeline: 'orders', stage: 'extracted' })).toBe(102);
    expect(await valueOf(metrics, 'syncfleet_rows_total', { pipeline: 'orders', stage: 'loaded' })).toBe(97);
    expect(await valueOf(metrics, 'syncfleet_rows_total', { pipeline: 'orders', stage: 'unchanged' })).toBe(2);
    expect(await valueOf(metrics, 'syncfleet_rows_total', { pipeline: 'orders', stage: 'quarantined' })).toBe(3);
    expect(await valueOf(metrics, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'completed' })).toBe(2);
    expect(await valueOf(metrics, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'retried' })).toBe(1);
    expect(await valueOf(metrics, 'syncfleet_batches_total', { pipeline: 'orders', outcome: 'dead_lettered' })).toBe(0);
    const text = await metrics.registry.metrics();
    expect(text).toContain('syncfleet_batch_duration_seconds_count{pipeline="orders",stage="load"} 1');
    expect(text).toContain('syncfleet_batch_duration_seconds_sum{pipeline="orders",stage="extract"} 0.02');
  });

  it('drops a gauge that could not be read instead of keeping a stale value', async () => {
    const metrics = new SyncfleetMetrics();
    const queue = { waiting: 3, active: 1, delayed: 0, failed: 2 };
    metrics.setPipelineGauges({ pipeline: 'orders', lagSeconds: 12.5, watermarkEpochSeconds: 1_700_000_000, queue, deadLettered: 1 });
    expect(await valueOf(metrics, 'syncfleet_watermark_lag_seconds', { pipeline: 'orders' })).toBe(12.5);
    expect(await valueOf(metrics, 'syncfleet_queue_jobs', { pipeline: 'orders', state: 'failed' })).toBe(2);
    expect(await valueOf(metrics, 'syncfleet_dead_letter_jobs', { pipeline: 'orders' })).toBe(1);
    metrics.setPipelineGauges({ pipeline: 'orders', lagSeconds: null, watermarkEpochSeconds: null, queue: null, deadLettered: null });
    expect(await valueOf(metrics, 'syncfleet_watermark_lag_seconds', { pipeline: 'orders' })).toBeUndefined();
    expect(await valueOf(metrics, 'syncfleet_queue_jobs', { pipeline: 'orders', state: 'waiting' })).toBeUndefined();
  });
});
