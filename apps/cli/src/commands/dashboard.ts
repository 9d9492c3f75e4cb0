import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '@syncfleet/core';
import { FleetResources } from '@syncfleet/connectors';
import type { CliContext } from '../cli-context.ts';
import { loadConfig } from '../load-config.ts';
import { createLogger } from '../logger.ts';
import { onShutdownSignal, exitAfterShutdown } from '../shutdown.ts';
import { dashboardCredentialsFrom, isLoopbackHost } from '../dashboard-auth.ts';

export function registerDashboardCommand(program: Command, cli: CliContext): void {
  program
    .command('dashboard')
    .description('serve Bull Board over the pipeline queues and the dead-letter queue (retry = dlq replay)')
    .option('--port <n>', 'TCP port (0 = any free port)', portNumber, 3000)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (options: { port: number; host: string }) => {
      const config = await loadConfig(cli.globals().config);
      const logger = createLogger(cli.globals().logLevel);
      const credentials = dashboardCredentialsFrom(process.env);
      if (credentials === null && !isLoopbackHost(options.host)) {
        throw new ConfigError([
          `dashboard: refusing to listen on ${options.host} without credentials — anyone who reaches it could replay or delete batches. ` +
            'Set SYNCFLEET_DASHBOARD_USER and SYNCFLEET_DASHBOARD_PASSWORD (basic auth) or SYNCFLEET_DASHBOARD_TOKEN (bearer), or use --host 127.0.0.1',
        ]);
      }
      if (credentials === null) logger.warn('dashboard has no credentials: anyone on this machine can replay or delete batches');
      // Express and Bull Board load only here: workers and producers never serve the dashboard.
      const { startDashboard } = await import('../dashboard-server.ts');
      const fleet = new FleetResources(config, { applicationName: 'syncfleet-dashboard' });
      const dashboard = await startDashboard({ fleet, pipelines: config.pipelines, host: options.host, port: options.port, credentials, logger }).catch(
        async (error: unknown) => {
          await fleet.close();
          throw error;
        },
      );
      // The one line a script or test waits for.
      process.stdout.write(`dashboard listening on ${dashboard.url}\n`);
      await new Promise<void>((resolve) => {
        onShutdownSignal(logger, async () => {
          await dashboard.close();
          await fleet.close();
          resolve();
          await exitAfterShutdown(logger);
        });
      });
    });
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('expected a TCP port, 0–65535');
  return port;
}
