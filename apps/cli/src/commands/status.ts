import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { FleetResources } from '@syncfleet/connectors';
import { loadConfig, selectPipelines } from '../load-config.ts';
import { formatStatus, pipelineStatus } from '../status.ts';

export function registerStatusCommand(program: Command, cli: CliContext): void {
  program
    .command('status')
    .description('per pipeline: watermark, lag behind source, queued/active/failed batches, last runs')
    .option('--json', 'machine-readable output')
    .option('--pipeline <name>', 'only this pipeline')
    .action(async (options: { json?: boolean; pipeline?: string }) => {
      const config = await loadConfig(cli.globals().config);
      const fleet = new FleetResources(config, { applicationName: 'syncfleet-status' });
      try {
        const statuses = [];
        for (const pipeline of selectPipelines(config, options.pipeline)) statuses.push(await pipelineStatus(fleet, pipeline));
        process.stdout.write(options.json ? `${JSON.stringify(statuses, null, 2)}\n` : `${statuses.map(formatStatus).join('\n\n')}\n`);
      } finally {
        await fleet.close();
      }
    });
}
