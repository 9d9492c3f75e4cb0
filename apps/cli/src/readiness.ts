import { maskCredentials, type ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '@syncfleet/connectors';

export interface ReadinessCheck {
  /** `redis`, or `<pipeline> source` / `<pipeline> destination`. */
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: readonly ReadinessCheck[];
}

/**
 * What `/readyz` answers: Redis answers PING, and every pipeline's source and destination
 * answer `SELECT 1`, each within `timeoutMs`. A database shared by several pipelines is asked
 * once. Errors are masked: a readiness body is often shown on dashboards.
 */
export async function checkReadiness(fleet: FleetResources, pipelines: readonly ResolvedPipeline[], timeoutMs = 2000): Promise<Readiness> {
  const probes = new Map<string, Promise<void>>();
  const probeDatabase = (url: string) => {
    let probe = probes.get(url);
    if (!probe) {
      probe = withTimeout(fleet.pools.get(url).query('SELECT 1').then(() => undefined), timeoutMs);
      probes.set(url, probe);
    }
    return probe;
  };
  const checks: Promise<ReadinessCheck>[] = [
    check('redis', () => {
      // A disconnected client queues commands until it reconnects; say so instead of waiting.
      if (fleet.redis.status !== 'ready') throw new Error(`connection is ${fleet.redis.status}`);
      return withTimeout(fleet.redis.ping().then(() => undefined), timeoutMs);
    }),
  ];
  for (const pipeline of pipelines) {
    for (const [role, endpoint] of [['source', pipeline.source], ['destination', pipeline.destination]] as const) {
      if (endpoint.kind !== 'postgres') continue;
      checks.push(check(`${pipeline.name} ${role}`, () => probeDatabase(endpoint.url)));
    }
  }
  const results = await Promise.all(checks);
  return { ready: results.every((result) => result.ok), checks: results };
}

async function check(name: string, probe: () => Promise<void>): Promise<ReadinessCheck> {
  try {
    await probe();
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: maskCredentials(error instanceof Error ? error.message || error.name : String(error)) };
  }
}

function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
