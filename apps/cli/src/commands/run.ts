import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { loadConfig, selectPipelines } from '../load-config.ts';
import { positiveInt } from '../options.ts';
import { EXIT_PIPELINE_FAILED } from '../exit-codes.ts';
import { runWithConfig } from '../run-with-config.ts';

export function registerRunCommand(program: Command, cli: CliContext): void {
  program
    .command('run')
    .description('one-shot for cron: scan, process with in-process workers, checkpoint, print a summary line per pipeline')
    .option('--concurrency <n>', 'batches in flight per pipeline', positiveInt)
    .option('--pipeline <name>', 'only this pipeline')
    .action(async (options: { concurrency?: number; pipeline?: string }) => {
      const config = await loadConfig(cli.globals().config);
      const results = await runWithConfig(config, selectPipelines(config, options.pipeline), options.concurrency ?? config.worker.concurrency, cli.globals().logLevel);
      process.exitCode = results.some((result) => result.failed) ? EXIT_PIPELINE_FAILED : 0;
    });
}
