import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Readiness } from './readiness.ts';

export interface MetricsServerOptions {
  /** 0 picks a free port; the bound one is `MetricsServer.port`. */
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  /** The Prometheus exposition, gathered on each scrape. */
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  readonly readiness: () => Promise<Readiness>;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/metrics` for Prometheus, `/healthz` (the process answers: a liveness probe) and `/readyz`
 * (Redis and the pipeline databases answer: 503 with the failing checks otherwise). Plain
 * node:http: three GET routes need no framework.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { logger } = options;
  const server = createServer((request, response) => {
    route(options, request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'metrics endpoint failed');
      if (!response.headersSent) sendJson(response, 500, { status: 'error' });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'metrics server error'));
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, `metrics on :${port}/metrics, probes on /healthz and /readyz`);
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps its scrape connection alive; do not wait for it to hang up.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function route(options: MetricsServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { status: 'method not allowed' });
    return;
  }
  switch (path) {
    case '/metrics': {
      const { contentType, body } = await options.metrics();
      response.writeHead(200, { 'content-type': contentType }).end(body);
      return;
    }
    case '/healthz':
      sendJson(response, 200, { status: 'ok' });
      return;
    case '/readyz': {
      const readiness = await options.readiness();
      const down = readiness.checks.filter((check) => !check.ok);
      sendJson(response, readiness.ready ? 200 : 503, {
        status: readiness.ready ? 'ready' : 'not ready',
        ...(down.length > 0 ? { down: down.map((check) => `${check.name}: ${check.error ?? 'down'}`) } : {}),
        checks: readiness.checks,
      });
      return;
    }
    default:
      sendJson(response, 404, { status: 'not found', paths: ['/metrics', '/healthz', '/readyz'] });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}
