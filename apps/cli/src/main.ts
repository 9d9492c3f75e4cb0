#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, isSyncfleetError } from '@syncfleet/core';
import type { CliContext } from './cli-context.ts';
import { EXIT_CONFIG, EXIT_PIPELINE_FAILED, describeError } from './exit-codes.ts';
import { registerProducerCommand } from './commands/producer.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerK8sCommand } from './commands/k8s.ts';
import { registerDlqCommand } from './commands/dlq.ts';
import { registerDashboardCommand } from './commands/dashboard.ts';

const program = new Command()
  .name('syncfleet')
  .description('Incremental, exactly-once-effect syncs between databases through a BullMQ worker fleet')
  .option('-c, --config <file>', 'configuration file', process.env.SYNCFLEET_CONFIG ?? 'syncfleet.yaml')
  .option('--log-level <level>', 'trace | debug | info | warn | error', process.env.SYNCFLEET_LOG_LEVEL ?? 'info')
  .showHelpAfterError();

const cli: CliContext = { globals: () => program.opts<{ config: string; logLevel: string }>() };

registerProducerCommand(program, cli);
registerWorkerCommand(program, cli);
registerRunCommand(program, cli);
registerStatusCommand(program, cli);
registerDemoCommand(program, cli);
registerK8sCommand(program, cli);
registerDlqCommand(program, cli);
registerDashboardCommand(program, cli);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`configuration error:\n${error.problems.map((problem) => `  ${problem}`).join('\n')}\n`);
    process.exitCode = EXIT_CONFIG;
  } else if (isSyncfleetError(error)) {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exitCode = EXIT_PIPELINE_FAILED;
  } else {
    throw error;
  }
}
