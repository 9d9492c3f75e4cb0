import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Logger } from 'pino';
import type { ResolvedPipeline } from '@syncfleet/core';
import type { FleetResources } from '@syncfleet/connectors';
import { DeadLetterConsumer } from '@syncfleet/worker';
import { requireCredentials, type DashboardCredentials } from './dashboard-auth.ts';

export interface DashboardOptions {
  readonly fleet: FleetResources;
  readonly pipelines: readonly ResolvedPipeline[];
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** null only on a loopback host; the command refuses anything else. */
  readonly credentials: DashboardCredentials | null;
  readonly logger: Logger;
}

export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Bull Board over every pipeline queue and the dead-letter queue, behind basic or bearer auth.
 * It also runs a dead-letter consumer, so that new entries show as failed jobs and Bull Board's
 * Retry on one replays the batch exactly as `syncfleet dlq replay` does (see DeadLetterConsumer).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { fleet, pipelines, logger } = options;
  const board = new ExpressAdapter();
  board.setBasePath('/');
  createBullBoard({
    queues: [
      ...pipelines.map((pipeline) => new BullMQAdapter(fleet.queue(pipeline.name), { description: `batches of pipeline ${pipeline.name}` })),
      new BullMQAdapter(fleet.deadLetterQueue(), {
        description: 'batches that failed for good: Retry replays one into its pipeline queue',
      }),
    ],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Syncfleet' } },
  });

  const app = express();
  app.disable('x-powered-by');
  if (options.credentials) app.use(requireCredentials(options.credentials));
  app.use('/', board.getRouter() as express.Router);

  const consumer = new DeadLetterConsumer({ fleet, pipelines, logger });
  await consumer.ready();
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(options.port, options.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
      listening.once('error', reject);
    });
  } catch (error) {
    await consumer.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}/`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
        await consumer.close();
      })();
      return closing;
    },
  };
}
