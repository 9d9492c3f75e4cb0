import type { Redis } from 'ioredis';
import { OutageTracker, type OutageEvent, type ResolvedConfig } from '@syncfleet/core';
import { PoolRegistry } from './postgres/pool-registry.ts';
import { ConnectorRegistry } from './connector-registry.ts';
import { createRedis } from './redis/connection.ts';
import { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE, createBatchQueue, type BatchQueue } from './queue/batch-queue.ts';
import type { DeadLetterEntry } from './queue/dead-letter.ts';

/**
 * The connections one Syncfleet process holds: one Redis client, one pool per database, one
 * queue handle per pipeline. Closing is idempotent and happens in dependency order.
 */
export class FleetResources {
  readonly redis: Redis;
  readonly pools: PoolRegistry;
  /** Each pipeline's source and sink (connector-registry.ts); MySQL pools live there. */
  readonly connectors: ConnectorRegistry;
  private readonly queues = new Map<string, BatchQueue>();
  private deadLetters: Queue<DeadLetterEntry> | undefined;
  private closing: Promise<void> | undefined;

  readonly config: ResolvedConfig;

  constructor(
    config: ResolvedConfig,
    options: {
      poolSize?: number;
      applicationName?: string;
      /**
       * Told once when Redis or a PostgreSQL database becomes unreachable and once when it is
       * back; the clients meanwhile retry with backoff. Without it, ioredis prints its own
       * "Unhandled error event" line per attempt.
       */
      onOutage?: (event: OutageEvent) => void;
    } = {},
  ) {
    this.config = config;
    this.redis = createRedis(config.redis);
    if (options.onOutage) {
      const redis = new OutageTracker(redisServiceName(config.redis), options.onOutage);
      // Every 'error' ioredis emits is about its connection (command errors reject the command).
      this.redis.on('error', (error: unknown) => redis.failed(error));
      this.redis.on('ready', () => redis.succeeded());
    }
    this.pools = new PoolRegistry({ max: options.poolSize ?? 4, applicationName: options.applicationName ?? 'syncfleet' }, options.onOutage);
    this.connectors = new ConnectorRegistry(this.pools, { poolSize: options.poolSize });
  }

  get prefix(): string {
    return this.config.queuePrefix;
  }

  queue(pipeline: string): BatchQueue {
    let queue = this.queues.get(pipeline);
    if (!queue) {
      queue = createBatchQueue(this.redis, this.prefix, pipeline);
      this.queues.set(pipeline, queue);
    }
    return queue;
  }

  /** The fleet's dead-letter queue: no worker consumes it; operators list, replay or purge. */
  deadLetterQueue(): Queue<DeadLetterEntry> {
    this.deadLetters ??= new Queue<DeadLetterEntry>(DEAD_LETTER_QUEUE, { connection: this.redis, prefix: this.prefix });
    return this.deadLetters;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.queues.values(), ...(this.deadLetters ? [this.deadLetters] : [])].map((queue) => queue.close()));
      await this.connectors.close();
      await this.pools.close();
      // QUIT waits in the offline queue while Redis is unreachable, possibly forever.
      if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
      else this.redis.disconnect();
    })();
    return this.closing;
  }
}

/** `Redis host:port`: names the server without the URL's credentials. */
export function redisServiceName(url: string): string {
  const parsed = new URL(url);
  return `Redis ${parsed.hostname}:${parsed.port || '6379'}`;
}
