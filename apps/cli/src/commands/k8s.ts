import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import type { CliContext } from '../cli-context.ts';
import { loadConfig } from '../load-config.ts';
import { positiveInt } from '../options.ts';
import { referenceSecrets } from '../k8s-secret-refs.ts';
import { renderK8sManifests, requiredSecretKeys, type K8sAutoscaler, type K8sMode, type K8sObject } from '../k8s-manifests.ts';

interface RenderOptions {
  image: string;
  namespace?: string;
  name: string;
  secret?: string;
  mode: K8sMode;
  autoscaler: K8sAutoscaler;
  minWorkers?: number;
  maxWorkers: number;
}

export function registerK8sCommand(program: Command, cli: CliContext): void {
  const k8s = program.command('k8s').description('Kubernetes deployment');
  k8s
    .command('render')
    .description('print Kubernetes manifests for the config (ConfigMap, Deployments, autoscaling or CronJobs); credentials stay in a Secret')
    .option('--image <image>', 'container image built from the Dockerfile', 'syncfleet:latest')
    .option('--namespace <namespace>', 'namespace of every object (default: none, so kubectl -n decides)')
    .option('--name <name>', 'prefix of object names', 'syncfleet')
    .option('--secret <name>', 'Secret holding the connection URLs (default: --name)')
    .addOption(new Option('--mode <mode>', 'fleet: producer + autoscaled workers; cron: one CronJob per pipeline').choices(['fleet', 'cron']).default('fleet'))
    .addOption(new Option('--autoscaler <kind>', 'worker autoscaling in fleet mode').choices(['keda', 'hpa', 'none']).default('keda'))
    .option('--min-workers <n>', 'fewest worker replicas (default: 1, or 2 without an autoscaler)', positiveInt)
    .option('--max-workers <n>', 'most worker replicas the autoscaler may start', positiveInt, 10)
    .action(async (options: RenderOptions) => {
      const path = cli.globals().config;
      const config = await loadConfig(path);
      const configMap = referenceSecrets(await readFile(path, 'utf8'), config);
      const renderOptions = { ...options, secretName: options.secret ?? options.name };
      const manifests = renderK8sManifests(config, configMap, renderOptions);
      process.stdout.write(formatManifests(manifests, requiredSecretKeys(config, configMap, renderOptions), renderOptions.secretName));
    });
}

/** Multi-document YAML for `kubectl apply -f -`, headed by how to create the Secret it expects. */
export function formatManifests(manifests: readonly K8sObject[], secretKeys: readonly string[], secretName: string): string {
  const header = [
    '# Rendered by `syncfleet k8s render`. The pods read these keys from the Secret',
    `# "${secretName}", which you create (credentials are never written into these manifests):`,
    `#   kubectl create secret generic ${secretName} \\`,
    ...secretKeys.map((key, index) => `#     --from-literal=${key}=…${index < secretKeys.length - 1 ? ' \\' : ''}`),
  ].join('\n');
  const documents = manifests.map((manifest) => stringify(manifest, { lineWidth: 0 }));
  return `${header}\n---\n${documents.join('---\n')}`;
}
