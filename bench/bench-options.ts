import { parseArgs } from 'node:util';

export const scenarioNames = ['load', 'incremental', 'noop', 'scaling', 'memory'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface BenchOptions {
  readonly rows: number;
  readonly runs: number;
  readonly scenarios: ReadonlySet<ScenarioName>;
  /** The incremental scenario's large table is this many times `rows`. */
  readonly scaleFactor: number;
  /** Extra memory run at this table size (e.g. 4000000); 0 = only the `rows`-sized runs. */
  readonly memoryRows: number;
  /** Rows timed for the naive per-row upsert baseline, then extrapolated. */
  readonly naiveSample: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly outDir: string;
  /** Pass `--cpu-prof` to worker processes, writing profiles here. */
  readonly profileDir: string | null;
  /** Rows per batch in the fleet's pipelines; null = the pipeline default. */
  readonly batchSize: number | null;
  /** Keep every producer's and worker's JSON log here. */
  readonly logDir: string | null;
}

const usage = `usage: pnpm bench [--rows N] [--runs K] [--scenarios load,incremental,noop,scaling,memory]
                  [--scale-factor F] [--memory-rows N] [--naive-sample N] [--profile-dir DIR] [--log-dir DIR] [--batch-size N]`;

export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      scenarios: { type: 'string', default: scenarioNames.join(',') },
      'scale-factor': { type: 'string', default: '10' },
      'memory-rows': { type: 'string', default: '0' },
      'naive-sample': { type: 'string', default: '5000' },
      'database-url': { type: 'string', default: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      redis: { type: 'string', default: env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      out: { type: 'string', default: 'bench/results' },
      'profile-dir': { type: 'string' },
      'log-dir': { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const scenarios = new Set<ScenarioName>();
  for (const name of values.scenarios.split(',').map((part) => part.trim()).filter(Boolean)) {
    if (!(scenarioNames as readonly string[]).includes(name)) {
      throw new BenchUsageError(`--scenarios: unknown scenario "${name}" — choose from ${scenarioNames.join(', ')}`);
    }
    scenarios.add(name as ScenarioName);
  }
  return {
    rows: count('--rows', values.rows, 100),
    runs: count('--runs', values.runs, 1),
    scenarios,
    scaleFactor: count('--scale-factor', values['scale-factor'], 1),
    memoryRows: count('--memory-rows', values['memory-rows'], 0),
    naiveSample: count('--naive-sample', values['naive-sample'], 1),
    databaseUrl: values['database-url'],
    redisUrl: values.redis,
    outDir: values.out,
    profileDir: values['profile-dir'] ?? null,
    logDir: values['log-dir'] ?? null,
    batchSize: values['batch-size'] === undefined ? null : count('--batch-size', values['batch-size'], 1),
  };
}

export class BenchUsageError extends Error {}

function count(flag: string, text: string, min: number): number {
  const value = Number(text.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(value) || value < min) throw new BenchUsageError(`${flag}: expected an integer ≥ ${min}, got "${text}"`);
  return value;
}
