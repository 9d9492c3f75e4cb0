import type { Command } from 'commander';
import type { ResolvedConfig } from '@syncfleet/core';
import {
  FleetResources,
  findDeadLetter,
  listDeadLetters,
  purgeDeadLetter,
  replayDeadLetter,
  type DeadLetterJob,
  type DeadLetterRecord,
} from '@syncfleet/connectors';
import type { CliContext } from '../cli-context.ts';
import { loadConfig, selectPipelines } from '../load-config.ts';
import { EXIT_PIPELINE_FAILED } from '../exit-codes.ts';

interface TargetOptions {
  all?: boolean;
  pipeline?: string;
}

export function registerDlqCommand(program: Command, cli: CliContext): void {
  const dlq = program.command('dlq').description('dead-letter queue: list, show, replay or purge batches that failed for good');

  dlq
    .command('list')
    .description('one line per dead batch: id, pipeline, state, attempts, rows, failed at, error')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--json', 'machine-readable output')
    .action((options: { pipeline?: string; json?: boolean }) =>
      withFleet(cli, async (fleet, config) => {
        if (options.pipeline !== undefined) selectPipelines(config, options.pipeline);
        const records = await listDeadLetters(fleet, options.pipeline);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(records.map(summaryOf), null, 2)}\n`);
        } else if (records.length === 0) {
          process.stdout.write('no dead batches\n');
        } else {
          process.stdout.write(`${records.map(formatLine).join('\n')}\n`);
        }
      }),
    );

  dlq
    .command('show <id>')
    .description('everything about one dead batch: error, stack, range and its rows')
    .option('--json', 'the whole entry, payload included, as JSON')
    .action((id: string, options: { json?: boolean }) =>
      withFleet(cli, async (fleet) => {
        const record = await findDeadLetter(fleet, id);
        if (!record) throw new DlqUsageError(`no dead batch ${id} — see \`syncfleet dlq list\``);
        process.stdout.write(options.json ? `${JSON.stringify({ id: record.id, state: record.state, ...record.entry }, null, 2)}\n` : formatDetail(record));
      }),
    );

  dlq
    .command('replay [id]')
    .description('re-enqueue dead batches into their pipeline queue and drop their entries (idempotent)')
    .option('--all', 'every dead batch (of --pipeline, if given)')
    .option('--pipeline <name>', 'only this pipeline')
    .action((id: string | undefined, options: TargetOptions) =>
      withFleet(cli, async (fleet, config) => {
        const jobs = await targets(fleet, config, id, options, 'replay');
        for (const job of jobs) {
          const replay = await replayDeadLetter(fleet, config.pipelines, job);
          process.stdout.write(`replayed ${replay.id} (${replay.pipeline}) as job ${replay.jobId}\n`);
        }
        if (jobs.length === 0) process.stdout.write('no dead batches to replay\n');
      }),
    );

  dlq
    .command('purge [id]')
    .description('delete dead batches; for block pipelines the range is rescanned by the next scan')
    .option('--all', 'every dead batch (of --pipeline, if given)')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--yes', 'really delete: a purged skip-pipeline batch is never synced')
    .action((id: string | undefined, options: TargetOptions & { yes?: boolean }) =>
      withFleet(cli, async (fleet, config) => {
        const jobs = await targets(fleet, config, id, options, 'purge');
        if (!options.yes) {
          process.stderr.write(
            `refusing to purge ${jobs.length} dead batch(es) without --yes: their rows are not in the destination ` +
              '(for skip pipelines they never will be) — replay them instead, or add --yes\n',
          );
          process.exitCode = EXIT_PIPELINE_FAILED;
          return;
        }
        for (const job of jobs) {
          await purgeDeadLetter(fleet, job);
          process.stdout.write(`purged ${job.id} (${job.data.pipeline}, ${job.data.policy})\n`);
        }
        if (jobs.length === 0) process.stdout.write('no dead batches to purge\n');
      }),
    );
}

async function withFleet(cli: CliContext, action: (fleet: FleetResources, config: ResolvedConfig) => Promise<void>): Promise<void> {
  const config = await loadConfig(cli.globals().config);
  const fleet = new FleetResources(config, { applicationName: 'syncfleet-dlq' });
  try {
    await action(fleet, config);
  } catch (error) {
    if (!(error instanceof DlqUsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = EXIT_PIPELINE_FAILED;
  } finally {
    await fleet.close();
  }
}

/** The dead-letter jobs an id or `--all [--pipeline P]` names; an unknown id is an error. */
async function targets(
  fleet: FleetResources,
  config: ResolvedConfig,
  id: string | undefined,
  options: TargetOptions,
  verb: string,
): Promise<DeadLetterJob[]> {
  if (options.pipeline !== undefined) selectPipelines(config, options.pipeline);
  if ((id === undefined) === !options.all) {
    throw new DlqUsageError(`dlq ${verb}: give either a dead batch id (see \`syncfleet dlq list\`) or --all`);
  }
  const ids = id === undefined ? (await listDeadLetters(fleet, options.pipeline)).map((record) => record.id) : [id];
  const jobs: DeadLetterJob[] = [];
  for (const jobId of ids) {
    const job = await fleet.deadLetterQueue().getJob(jobId);
    if (!job) {
      if (id !== undefined) throw new DlqUsageError(`no dead batch ${jobId} — see \`syncfleet dlq list\``);
      continue;
    }
    if (options.pipeline !== undefined && job.data.pipeline !== options.pipeline) {
      throw new DlqUsageError(`dead batch ${jobId} belongs to pipeline ${job.data.pipeline}, not ${options.pipeline}`);
    }
    jobs.push(job);
  }
  return jobs;
}

/** A request the dead-letter queue cannot serve: printed as one line, exit 1, no stack. */
class DlqUsageError extends Error {}

function summaryOf(record: DeadLetterRecord) {
  const { entry } = record;
  return {
    id: record.id,
    state: record.state,
    pipeline: entry.pipeline,
    batchId: entry.batchId,
    policy: entry.policy,
    attempts: entry.attempts,
    failedAt: entry.failedAt,
    code: entry.code,
    error: entry.error,
    rows: entry.payload.rows.length,
    lo: entry.payload.lo,
    hi: entry.payload.hi,
  };
}

function formatLine(record: DeadLetterRecord): string {
  const { entry } = record;
  const error = entry.error.length > 100 ? `${entry.error.slice(0, 97)}...` : entry.error;
  return [record.id, entry.pipeline, record.state, `attempts=${entry.attempts}`, `rows=${entry.payload.rows.length}`, entry.failedAt, error].join('  ');
}

function formatDetail(record: DeadLetterRecord): string {
  const { entry } = record;
  const lines = [
    `id        ${record.id}`,
    `pipeline  ${entry.pipeline} (onDeadLetter: ${entry.policy})`,
    `batch     ${entry.batchId}`,
    `state     ${record.state}`,
    `range     (${entry.payload.lo ?? 'start'}, ${entry.payload.hi}]`,
    `rows      ${entry.payload.rows.length} (${entry.payload.columns.join(', ')})`,
    `attempts  ${entry.attempts}`,
    `failed at ${entry.failedAt}`,
    `error     ${entry.error}${entry.code ? ` [${entry.code}]` : ''}`,
  ];
  if (entry.stack) lines.push('stack', ...entry.stack.split('\n').map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}
