import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FleetResources } from '@syncfleet/connectors';
import { waitListKey } from '../apps/cli/src/k8s-manifests.ts';
import { checkCliArguments } from './support/cli-help.ts';
import { validateManifest } from './support/k8s-schemas.ts';
import { REPO_ROOT, test } from './support/sync-fixture.ts';

/**
 * deploy/k8s/*.yaml are `syncfleet k8s render` output for deploy/k8s/example-config.yaml; this
 * suite fails when they drift from what the command renders. Regenerate them with
 * `UPDATE_K8S_EXAMPLES=1 pnpm exec vitest run test/deploy-k8s.test.ts`.
 */
const EXAMPLES: Record<string, string[]> = {
  'deploy/k8s/fleet.yaml': [],
  'deploy/k8s/fleet-hpa.yaml': ['--autoscaler', 'hpa'],
  'deploy/k8s/cron.yaml': ['--mode', 'cron'],
};

const CLI = join(REPO_ROOT, 'bin/syncfleet.mjs');

async function render(args: string[]): Promise<string> {
  // The example's ${…:-default}s must resolve to their defaults, whatever this machine exports.
  const env = { ...process.env };
  for (const name of ['REDIS_URL', 'SHOP_DATABASE_URL', 'WAREHOUSE_DATABASE_URL', 'SYNCFLEET_CONFIG']) delete env[name];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI, 'k8s', 'render', '--config', 'deploy/k8s/example-config.yaml', '--image', 'syncfleet:latest', ...args],
    { cwd: REPO_ROOT, env },
  );
  return stdout;
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: { template?: PodTemplate; jobTemplate?: { spec: { template: PodTemplate } } };
}
interface PodTemplate {
  spec: { containers: { args: string[] }[] };
}

describe('deploy/k8s examples', () => {
  test.concurrent.for(Object.entries(EXAMPLES))('%s is what `syncfleet k8s render` prints', async ([file, args]) => {
    const rendered = await render(args);
    if (process.env.UPDATE_K8S_EXAMPLES) writeFileSync(join(REPO_ROOT, file), rendered);
    expect(rendered, `${file} is stale: UPDATE_K8S_EXAMPLES=1 pnpm exec vitest run test/deploy-k8s.test.ts`).toBe(readFileSync(join(REPO_ROOT, file), 'utf8'));

    const manifests = parseAllDocuments(rendered).map((document) => document.toJS() as Manifest);
    expect(manifests.length).toBeGreaterThan(3);
    for (const manifest of manifests) {
      validateManifest(manifest);
      const pod = manifest.spec?.template ?? manifest.spec?.jobTemplate?.spec.template;
      for (const container of pod?.spec.containers ?? []) {
        expect(await checkCliArguments(container.args), `${manifest.kind} ${manifest.metadata.name}`).toEqual([]);
      }
    }
  });
});

test('the KEDA trigger watches the Redis list where BullMQ keeps waiting batches', async ({ env }) => {
  const config = env.config();
  const fleet = new FleetResources(config);
  try {
    const queue = fleet.queue('orders');
    await queue.add('probe', { probe: true } as never, { jobId: 'probe' });
    expect(await fleet.redis.llen(waitListKey(config.queuePrefix, 'orders'))).toBe(1);
    await queue.add('probe-2', { probe: true } as never, { jobId: 'probe-2' });
    expect(await fleet.redis.llen(waitListKey(config.queuePrefix, 'orders'))).toBe(2);
  } finally {
    await fleet.close();
  }
});
