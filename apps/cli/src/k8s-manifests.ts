import { createHash } from 'node:crypto';
import { ConfigError, type ResolvedConfig } from '@syncfleet/core';
import { batchQueueName } from '@syncfleet/connectors';
import type { SecretReferencedConfig } from './k8s-secret-refs.ts';
// Types only (erased at run time): the compiler rejects a misspelt or misplaced field, which
// the JSON-schema validation in the tests would let through (the schemas allow extra fields).
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';

/**
 * Kubernetes manifests for a Syncfleet configuration, built as plain objects (pure: no I/O).
 * `fleet` mode runs the long-lived producer and an autoscaled worker Deployment; `cron` mode
 * replaces both with one CronJob per pipeline running `syncfleet run --pipeline <name>`.
 * Credentials never appear: pods read them from a Secret the operator creates.
 */
export type K8sMode = 'fleet' | 'cron';
export type K8sAutoscaler = 'keda' | 'hpa' | 'none';

export interface K8sRenderOptions {
  readonly image: string;
  readonly namespace?: string;
  /** Prefix of every object's name, and the `app.kubernetes.io/instance` label. */
  readonly name?: string;
  /** The Secret that holds the connection URLs (see `SecretReferencedConfig.keys`). */
  readonly secretName?: string;
  readonly mode?: K8sMode;
  readonly autoscaler?: K8sAutoscaler;
  readonly minWorkers?: number;
  readonly maxWorkers?: number;
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** Where the config file is mounted, and the port of /metrics, /healthz, /readyz when unset. */
export const CONFIG_MOUNT = '/etc/syncfleet';
export const DEFAULT_METRICS_PORT = 9464;
export const DASHBOARD_PORT = 3000;
/**
 * A pod gets SIGTERM, then this much longer than the drain timeout before SIGKILL: time to
 * release locks and close connections after the last batch committed or was given back.
 */
export const TERMINATION_MARGIN_SECONDS = 15;

export function renderK8sManifests(config: ResolvedConfig, configMap: SecretReferencedConfig, options: K8sRenderOptions): K8sObject[] {
  const name = options.name ?? 'syncfleet';
  const mode = options.mode ?? 'fleet';
  const autoscaler = options.autoscaler ?? 'keda';
  const metricsPort = config.metrics.port || DEFAULT_METRICS_PORT;
  const secretName = options.secretName ?? name;
  const configHash = createHash('sha256').update(configMap.text).digest('hex').slice(0, 16);

  const metadata = (component: string, suffix = component) => ({
    name: `${name}-${suffix}`,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: labelsOf(name, component),
  });

  const container = (command: string[], ports: { name: string; containerPort: number }[]) => ({
    name: 'syncfleet',
    image: options.image,
    args: command,
    env: [
      { name: 'SYNCFLEET_CONFIG', value: `${CONFIG_MOUNT}/syncfleet.yaml` },
      { name: 'SYNCFLEET_METRICS_PORT', value: String(metricsPort) },
      ...configMap.keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } })),
    ],
    ports: ports.map((port) => ({ ...port, protocol: 'TCP' })),
    volumeMounts: [
      { name: 'config', mountPath: CONFIG_MOUNT, readOnly: true },
      // tsx (which loads users' modules and transforms) keeps its compile cache in the temporary
      // directory; the root filesystem is read-only.
      { name: 'tmp', mountPath: '/tmp' },
    ],
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  }) satisfies IContainer;

  const metricsContainerPort = { name: 'metrics', containerPort: metricsPort };
  const probes = {
    readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' }, periodSeconds: 10, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 },
  } satisfies Partial<IContainer>;

  const podSpec = (spec: Omit<IPodSpec, 'volumes' | 'securityContext'>): IPodSpec => ({
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
    volumes: [
      { name: 'config', configMap: { name: `${name}-config` } },
      { name: 'tmp', emptyDir: {} },
    ],
    ...spec,
  });

  const podTemplate = (component: string, spec: Omit<IPodSpec, 'volumes' | 'securityContext'>): IPodTemplateSpec => ({
    metadata: {
      labels: labelsOf(name, component),
      // A changed config rolls the pods; Prometheus finds /metrics through the usual annotations.
      annotations: {
        'syncfleet.dev/config-hash': configHash,
        ...(component === 'dashboard'
          ? {}
          : { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' }),
      },
    },
    spec: podSpec(spec),
  });

  const drainSeconds = Math.ceil(config.worker.drainTimeout / 1000);
  const terminationGracePeriodSeconds = drainSeconds + TERMINATION_MARGIN_SECONDS;

  const manifests: K8sObject[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata('config'),
      data: { 'syncfleet.yaml': configMap.text },
    } satisfies IConfigMap,
  ];

  if (mode === 'fleet') {
    const worker = metadata('worker');
    manifests.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: worker,
      spec: {
        // An autoscaler owns the replica count; a fixed one here would fight it on every apply.
        ...(autoscaler === 'none' ? { replicas: options.minWorkers ?? 2 } : {}),
        selector: { matchLabels: selectorOf(name, 'worker') },
        // Surge first: old workers drain while new ones already take batches.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: podTemplate('worker', {
          terminationGracePeriodSeconds,
          containers: [
            {
              ...container(['worker'], [metricsContainerPort]),
              ...probes,
              // A batch of 5,000 rows is about 1 MB in flight; the pool and BullMQ add little.
              resources: {
                requests: { cpu: '250m', memory: `${128 + 32 * config.worker.concurrency}Mi` },
                limits: { memory: `${256 + 64 * config.worker.concurrency}Mi` },
              },
            },
          ],
        }),
      },
    } satisfies IDeployment);
    if (autoscaler === 'keda') manifests.push(...kedaScaling(config, worker, secretName, options));
    if (autoscaler === 'hpa') manifests.push(hpaScaling(config, worker, options));
    manifests.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata('producer'),
      spec: {
        // One is enough: the scan lock keeps a second replica (e.g. during a rollout) idle.
        replicas: 1,
        selector: { matchLabels: selectorOf(name, 'producer') },
        template: podTemplate('producer', {
          // The producer stops a scan after its current page: seconds, not the drain timeout.
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              ...container(['producer'], [metricsContainerPort]),
              ...probes,
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            },
          ],
        }),
      },
    } satisfies IDeployment);
  } else {
    for (const pipeline of config.pipelines) {
      manifests.push({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { ...metadata('run'), name: cronJobName(name, pipeline.name, config) },
        spec: {
          schedule: kubernetesSchedule(pipeline.schedule, pipeline.name),
          // Like the producer's scan lock: a run still going when the next is due skips it.
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels: labelsOf(name, 'run') },
            spec: {
              backoffLimit: 2,
              template: podTemplate('run', {
                restartPolicy: 'OnFailure',
                terminationGracePeriodSeconds,
                containers: [
                  {
                    ...container(['run', '--pipeline', pipeline.name], [metricsContainerPort]),
                    resources: {
                      requests: { cpu: '250m', memory: `${128 + 32 * config.worker.concurrency}Mi` },
                      limits: { memory: `${256 + 64 * config.worker.concurrency}Mi` },
                    },
                  },
                ],
              }),
            },
          },
        },
      } satisfies ICronJob);
    }
  }

  manifests.push(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata('dashboard'),
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorOf(name, 'dashboard') },
        template: podTemplate('dashboard', {
          containers: [
            {
              ...dashboardContainer(container(['dashboard', '--port', String(DASHBOARD_PORT), '--host', '0.0.0.0'], [{ name: 'http', containerPort: DASHBOARD_PORT }]), secretName),
              readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: 'http' }, initialDelaySeconds: 10, periodSeconds: 20 },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            },
          ],
        }),
      },
    } satisfies IDeployment,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata('dashboard'),
      spec: {
        type: 'ClusterIP',
        selector: selectorOf(name, 'dashboard'),
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    } satisfies IService,
  );
  return manifests;
}

/**
 * KEDA scales the workers on the length of each pipeline's BullMQ wait list
 * (`<prefix>:<queue>:wait`): one replica per `concurrency × 2` waiting batches, so every
 * worker slot has one batch running and one queued. Never below one worker: a worker also
 * advances the watermark after the last batch.
 */
function kedaScaling(config: ResolvedConfig, worker: K8sObject['metadata'], secretName: string, options: K8sRenderOptions): K8sObject[] {
  const redis = new URL(config.redis);
  const triggerAuthentication = redisNeedsPassword(config)
    ? ({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'TriggerAuthentication',
        metadata: { ...worker, name: `${worker.name}-redis` },
        spec: {
          secretTargetRef: [{ parameter: 'password', name: secretName, key: REDIS_PASSWORD_KEY }],
        },
      } satisfies ITriggerAuthentication)
    : undefined;
  const scaledObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: worker,
    spec: {
      scaleTargetRef: { name: worker.name },
      minReplicaCount: options.minWorkers ?? 1,
      maxReplicaCount: options.maxWorkers ?? 10,
      pollingInterval: 15,
      cooldownPeriod: 300,
      triggers: config.pipelines.map((pipeline) => ({
        type: 'redis',
        name: `queue-${kubernetesName(pipeline.name)}`,
        metadata: {
          address: `${redis.hostname}:${redis.port || '6379'}`,
          listName: waitListKey(config.queuePrefix, pipeline.name),
          listLength: String(config.worker.concurrency * 2),
          databaseIndex: redis.pathname.replace('/', '') || '0',
          enableTLS: String(redis.protocol === 'rediss:'),
        },
        ...(triggerAuthentication ? { authenticationRef: { name: triggerAuthentication.metadata.name } } : {}),
      })),
    },
  } satisfies IScaledObject;
  return triggerAuthentication ? [triggerAuthentication, scaledObject] : [scaledObject];
}

/**
 * The alternative without KEDA: an HPA on `syncfleet_queue_jobs{state="waiting"}`, served to
 * the metrics API by prometheus-adapter (or any external-metrics provider) from the series
 * every Syncfleet process exports.
 */
function hpaScaling(config: ResolvedConfig, worker: K8sObject['metadata'], options: K8sRenderOptions): K8sObject {
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { ...worker, annotations: { 'syncfleet.dev/requires': 'external metric syncfleet_queue_jobs (prometheus-adapter)' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: worker.name },
      minReplicas: options.minWorkers ?? 1,
      maxReplicas: options.maxWorkers ?? 10,
      metrics: config.pipelines.map((pipeline) => ({
        type: 'External',
        external: {
          metric: {
            name: 'syncfleet_queue_jobs',
            selector: { matchLabels: { pipeline: pipeline.name, state: 'waiting' } },
          },
          target: { type: 'AverageValue', averageValue: String(config.worker.concurrency * 2) },
        },
      })),
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  } satisfies IHorizontalPodAutoscaler;
  return hpa;
}

/**
 * Listening on the pod's address, the dashboard requires credentials (it refuses to start
 * without): basic auth from the same Secret.
 */
export const DASHBOARD_SECRET_KEYS = ['SYNCFLEET_DASHBOARD_USER', 'SYNCFLEET_DASHBOARD_PASSWORD'] as const;

function dashboardContainer<T extends { env: object[] }>(base: T, secretName: string): T {
  const credentials = DASHBOARD_SECRET_KEYS.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } }));
  return { ...base, env: [...base.env, ...credentials] };
}

/** KEDA reads the Redis password apart from the URL: a Secret key of its own. */
export const REDIS_PASSWORD_KEY = 'SYNCFLEET_REDIS_PASSWORD';

function redisNeedsPassword(config: ResolvedConfig): boolean {
  return new URL(config.redis).password !== '';
}

/** Every key the Secret must hold for these manifests. */
export function requiredSecretKeys(config: ResolvedConfig, configMap: SecretReferencedConfig, options: K8sRenderOptions): string[] {
  const kedaPassword = (options.mode ?? 'fleet') === 'fleet' && (options.autoscaler ?? 'keda') === 'keda' && redisNeedsPassword(config);
  return [...configMap.keys, ...(kedaPassword ? [REDIS_PASSWORD_KEY] : []), ...DASHBOARD_SECRET_KEYS];
}

/** The Redis list BullMQ keeps a queue's waiting jobs in. */
export function waitListKey(prefix: string, pipeline: string): string {
  return `${prefix}:${batchQueueName(pipeline)}:wait`;
}

function labelsOf(instance: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'syncfleet', 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': component };
}

function selectorOf(instance: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': component };
}

/** A DNS-1123 label from a pipeline name (which may hold capitals and `_`). */
function kubernetesName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * CronJob names are at most 52 characters (the controller appends a suffix for its Jobs). A
 * name that had to be shortened, or that two pipelines would share after lower-casing, gets a
 * hash of the pipeline's own name so it stays unique.
 */
function cronJobName(instance: string, pipeline: string, config: ResolvedConfig): string {
  const base = `${instance}-run-${kubernetesName(pipeline)}`;
  const clashes = config.pipelines.filter((other) => kubernetesName(other.name) === kubernetesName(pipeline)).length > 1;
  if (base.length <= 52 && !clashes) return base;
  const hash = createHash('sha256').update(pipeline).digest('hex').slice(0, 6);
  return `${base.slice(0, 45).replace(/-+$/, '')}-${hash}`;
}

/** Kubernetes cron takes five fields; croner also takes a leading seconds field. */
function kubernetesSchedule(schedule: string, pipeline: string): string {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length === 5 || (fields.length === 1 && fields[0]!.startsWith('@'))) return schedule.trim();
  throw new ConfigError([
    `pipelines.${pipeline}.schedule: "${schedule}" has ${fields.length} fields — a Kubernetes CronJob needs five (minute hour day month weekday), e.g. */5 * * * *`,
  ]);
}
