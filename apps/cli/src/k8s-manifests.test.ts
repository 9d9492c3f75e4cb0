import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '@syncfleet/core';
import { validateManifest } from '../../../test/support/k8s-schemas.ts';
import { referenceSecrets } from './k8s-secret-refs.ts';
import { TERMINATION_MARGIN_SECONDS, renderK8sManifests, requiredSecretKeys, type K8sObject, type K8sRenderOptions } from './k8s-manifests.ts';

const CONFIG = `
redis: redis://:redis-secret@redis.internal:6380/2
queuePrefix: acme
worker: { concurrency: 3, drainTimeout: 40s }
pipelines:
  - name: orders
    source: { kind: postgres, url: "postgres://sync:source-secret@shop:5432/shop", table: public.orders, key: [id], cursor: updated_at }
    destination: { kind: postgres, url: "\${WAREHOUSE_URL:-postgres://sync@warehouse/w}", table: public.orders }
    schedule: "*/5 * * * *"
  - name: Line_Items
    source: { kind: postgres, url: "postgres://sync:source-secret@shop:5432/shop", table: public.line_items, key: [id], cursor: updated_at }
    destination: { kind: postgres, url: "\${WAREHOUSE_URL:-postgres://sync@warehouse/w}", table: public.line_items }
`;

const config = parseConfig(CONFIG, {});
const configMap = referenceSecrets(CONFIG, config);

function render(options: Partial<K8sRenderOptions> = {}): K8sObject[] {
  return renderK8sManifests(config, configMap, { image: 'registry.example/syncfleet:1.0', ...options });
}

const find = (manifests: K8sObject[], kind: string, name: string) => {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found as K8sObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads deep fields
};

describe('referenceSecrets', () => {
  it('replaces every connection URL with a Secret reference and keeps existing variable names', () => {
    expect(configMap.text).not.toContain('secret@');
    const text = parse(configMap.text) as { redis: string; pipelines: { source: { url: string }; destination: { url: string } }[] };
    expect(text.redis).toBe('${SYNCFLEET_REDIS_URL}');
    expect(text.pipelines.map((p) => [p.source.url, p.destination.url])).toEqual([
      ['${SYNCFLEET_ORDERS_SOURCE_URL}', '${WAREHOUSE_URL}'],
      ['${SYNCFLEET_LINE_ITEMS_SOURCE_URL}', '${WAREHOUSE_URL}'],
    ]);
    expect(configMap.keys).toEqual(['SYNCFLEET_REDIS_URL', 'SYNCFLEET_ORDERS_SOURCE_URL', 'WAREHOUSE_URL', 'SYNCFLEET_LINE_ITEMS_SOURCE_URL']);
    // The pods' config parses once the Secret's keys are in the environment.
    const env = Object.fromEntries(configMap.keys.map((key) => [key, key.includes('REDIS') ? 'redis://r:6379' : 'postgres://p/db']));
    expect(parseConfig(configMap.text, env).pipelines).toHaveLength(2);
  });

  it('adds a reference for Redis when the config relies on the default', () => {
    const text = CONFIG.replace(/^redis: .*$/m, '');
    const referenced = referenceSecrets(text, parseConfig(text, {}));
    expect(referenced.text).toMatch(/^redis: \$\{SYNCFLEET_REDIS_URL\}$/m);
  });
});

describe('renderK8sManifests', () => {
  it('renders manifests that validate against the Kubernetes and KEDA schemas, in every mode', () => {
    const variants = [render(), render({ autoscaler: 'hpa' }), render({ autoscaler: 'none', namespace: 'data' }), render({ mode: 'cron' })];
    for (const manifests of variants) for (const manifest of manifests) validateManifest(manifest);
  });

  it('fails validation on a manifest Kubernetes would reject (the check can fail)', () => {
    const deployment = structuredClone(find(render(), 'Deployment', 'syncfleet-worker'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'metrics';
    expect(() => validateManifest(deployment)).toThrow(/containerPort/);
  });

  it('never writes a credential, and gives every container the Secret keys', () => {
    for (const manifests of [render(), render({ mode: 'cron' })]) {
      const text = JSON.stringify(manifests);
      expect(text).not.toContain('source-secret');
      expect(text).not.toContain('redis-secret');
      const containers = manifests.flatMap((m) => JSON.stringify(m).match(/"secretKeyRef":\{[^}]*\}/g) ?? []);
      expect(containers.length).toBeGreaterThan(0);
    }
    const worker = find(render(), 'Deployment', 'syncfleet-worker');
    const env = worker.spec.template.spec.containers[0].env as { name: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    for (const key of configMap.keys) expect(env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: 'syncfleet', key } } });
  });

  it('runs the worker with probes on the metrics port and a grace period longer than the drain timeout', () => {
    const worker = find(render(), 'Deployment', 'syncfleet-worker');
    const pod = worker.spec.template.spec;
    const container = pod.containers[0];
    expect(container.args).toEqual(['worker']);
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(pod.terminationGracePeriodSeconds).toBe(40 + TERMINATION_MARGIN_SECONDS);
    expect(worker.spec.replicas).toBeUndefined();
  });

  it('scales workers with KEDA on each pipeline BullMQ wait list, authenticating with the Secret', () => {
    const manifests = render({ maxWorkers: 7 });
    const scaled = find(manifests, 'ScaledObject', 'syncfleet-worker');
    expect(scaled.spec.scaleTargetRef).toEqual({ name: 'syncfleet-worker' });
    expect(scaled.spec.maxReplicaCount).toBe(7);
    expect(scaled.spec.minReplicaCount).toBe(1);
    expect(scaled.spec.triggers.map((t: { metadata: { listName: string } }) => t.metadata.listName)).toEqual(['acme:orders:wait', 'acme:Line_Items:wait']);
    expect(scaled.spec.triggers[0].metadata).toMatchObject({ address: 'redis.internal:6380', databaseIndex: '2', listLength: '6', enableTLS: 'false' });
    const auth = find(manifests, 'TriggerAuthentication', 'syncfleet-worker-redis');
    expect(auth.spec.secretTargetRef).toEqual([{ parameter: 'password', name: 'syncfleet', key: 'SYNCFLEET_REDIS_PASSWORD' }]);
    expect(requiredSecretKeys(config, configMap, {} as K8sRenderOptions)).toContain('SYNCFLEET_REDIS_PASSWORD');
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  it('offers an HPA on the queue-depth metric instead of KEDA, and fixed replicas without either', () => {
    const hpa = render({ autoscaler: 'hpa' });
    expect(hpa.some((m) => m.kind === 'ScaledObject')).toBe(false);
    const autoscaler = find(hpa, 'HorizontalPodAutoscaler', 'syncfleet-worker');
    expect(autoscaler.spec.scaleTargetRef.name).toBe('syncfleet-worker');
    expect(autoscaler.spec.metrics[0].external.metric).toEqual({ name: 'syncfleet_queue_jobs', selector: { matchLabels: { pipeline: 'orders', state: 'waiting' } } });
    const fixed = find(render({ autoscaler: 'none' }), 'Deployment', 'syncfleet-worker');
    expect(fixed.spec.replicas).toBe(2);
  });

  it('runs one producer, and a dashboard behind a Service', () => {
    const manifests = render({ namespace: 'data' });
    expect(find(manifests, 'Deployment', 'syncfleet-producer').spec.template.spec.containers[0].args).toEqual(['producer']);
    const dashboard = find(manifests, 'Deployment', 'syncfleet-dashboard');
    expect(dashboard.spec.template.spec.containers[0].args).toEqual(['dashboard', '--port', '3000', '--host', '0.0.0.0']);
    const env = dashboard.spec.template.spec.containers[0].env as { name: string }[];
    expect(env.map((variable) => variable.name)).toEqual(expect.arrayContaining(['SYNCFLEET_DASHBOARD_USER', 'SYNCFLEET_DASHBOARD_PASSWORD']));
    const service = find(manifests, 'Service', 'syncfleet-dashboard');
    expect(service.spec.selector).toEqual(dashboard.spec.selector.matchLabels);
    for (const manifest of manifests) expect(manifest.metadata.namespace).toBe('data');
  });

  it('replaces producer and workers with one CronJob per pipeline in cron mode', () => {
    const manifests = render({ mode: 'cron' });
    expect(manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name)).toEqual(['syncfleet-dashboard']);
    const orders = find(manifests, 'CronJob', 'syncfleet-run-orders');
    expect(orders.spec).toMatchObject({ schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 3 });
    const pod = orders.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.containers[0].args).toEqual(['run', '--pipeline', 'orders']);
    const items = find(manifests, 'CronJob', 'syncfleet-run-line-items');
    expect(items.spec.schedule).toBe('*/1 * * * *');
    expect(items.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['run', '--pipeline', 'Line_Items']);
  });

  it('refuses a schedule with seconds, which a CronJob cannot run', () => {
    const text = CONFIG.replace('"*/5 * * * *"', '"*/30 * * * * *"');
    expect(() => renderK8sManifests(parseConfig(text, {}), referenceSecrets(text, parseConfig(text, {})), { image: 'x', mode: 'cron' })).toThrow(ConfigError);
  });
});
