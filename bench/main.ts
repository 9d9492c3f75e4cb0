import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchUsageError, parseBenchOptions } from './bench-options.ts';
import { BenchDatabases } from './bench-databases.ts';
import { describeMachine, markdownReport, summarise } from './report.ts';
import { runScenarios, type BenchResults } from './scenarios.ts';

/**
 * `pnpm bench`: the fleet against the raw COPY pipe and a naive upsert loop, on generated
 * orders in its own databases and Redis prefix. Exits 1 when any destination differs from its
 * source or a no-op pass wrote rows: a fast wrong answer is a failure.
 */
let options;
try {
  options = parseBenchOptions(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof BenchUsageError) && !(error instanceof TypeError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${line}\n`);
const databases = new BenchDatabases(options.databaseUrl);
const configDir = await mkdtemp(join(tmpdir(), 'syncfleet-bench-'));
const failures: string[] = [];
const results: BenchResults = {};
const startedAt = new Date();
let crashed: unknown = null;
try {
  await runScenarios(
    options,
    {
      databases,
      redisUrl: options.redisUrl,
      configDir,
      prefixBase: `sfbench-${process.pid}`,
      profileDir: options.profileDir,
      logDir: options.logDir,
      batchSize: options.batchSize,
      recordFailure: (what) => {
        failures.push(what);
        log(`FAILURE: ${what}`);
      },
    },
    results,
    log,
  );
} catch (error) {
  crashed = error;
} finally {
  log('dropping the benchmark databases…');
  await databases.dropAll().catch((error: unknown) => log(`could not drop benchmark databases: ${String(error)}`));
  await rm(configDir, { recursive: true, force: true });
}

if (crashed !== null) {
  process.stderr.write(`benchmark failed: ${crashed instanceof Error ? (crashed.stack ?? crashed.message) : String(crashed)}\n`);
  process.exit(1);
}

const machine = describeMachine(await databases.serverVersion());
const summary = summarise(options, results);
const markdown = markdownReport(options, machine, results, summary, failures);
await mkdir(options.outDir, { recursive: true });
const json = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  options: { ...options, scenarios: [...options.scenarios] },
  machine,
  summary,
  results,
  failures,
};
await writeFile(join(options.outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
await writeFile(join(options.outDir, 'latest.md'), markdown);
process.stdout.write(markdown);
process.exitCode = failures.length > 0 ? 1 : 0;
