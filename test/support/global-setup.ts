import { execFileSync } from 'node:child_process';
import net from 'node:net';

/**
 * The suite runs against the machine's own Postgres and Redis. Only where they are not
 * reachable and a Docker engine is, it starts them with Testcontainers (a laptop without the
 * services installed); anywhere else it stops with a message saying what to start.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const postgres = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const redis = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const pgUp = await reachable(postgres.hostname, Number(postgres.port || 5432));
  const redisUp = await reachable(redis.hostname, Number(redis.port || 6379));
  if (pgUp && redisUp) return async () => undefined;
  if (!dockerRuns()) {
    throw new Error(
      `${pgUp ? '' : `PostgreSQL is not reachable at ${postgres.host}. `}${redisUp ? '' : `Redis is not reachable at ${redis.host}. `}` +
        'Start them (see README "Running the tests"), set DATABASE_URL / REDIS_URL, or run Docker for Testcontainers.',
    );
  }
  const { GenericContainer, Wait } = await import('testcontainers');
  const stops: (() => Promise<unknown>)[] = [];
  if (!pgUp) {
    const container = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    process.env.DATABASE_URL = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    stops.push(() => container.stop());
  }
  if (!redisUp) {
    const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    process.env.REDIS_URL = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
    stops.push(() => container.stop());
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function dockerRuns(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
