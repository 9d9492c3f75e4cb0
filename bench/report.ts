import { cpus, totalmem } from 'node:os';
import type { BenchOptions } from './bench-options.ts';
import { naiveSampleSize, type BenchResults } from './scenarios.ts';
import { median, rowsPerSecond } from './statistics.ts';

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGb: number;
  readonly postgres: string;
  readonly node: string;
}

export function describeMachine(postgres: string): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    postgres,
    node: process.version,
  };
}

/** The numbers people read: medians, rates and the ratios the targets are stated in. */
export interface Summary {
  fleetRowsPerSecond?: number;
  copyPipeRowsPerSecond?: number;
  naiveRowsPerSecond?: number;
  fleetOverCopyPipe?: number;
  fleetOverNaive?: number;
  incrementalLargeOverSmall?: number;
  scalingRowsPerSecond?: Record<string, number>;
  peakRssMb?: { rows: number; producer: number; worker: number }[];
}

export function summarise(options: BenchOptions, results: BenchResults): Summary {
  const summary: Summary = {};
  const load = results.load;
  if (load && load.copyPipeMs.length > 0) {
    summary.fleetRowsPerSecond = rowsPerSecond(options.rows, median(load.fleetMs));
    summary.copyPipeRowsPerSecond = rowsPerSecond(options.rows, median(load.copyPipeMs));
    summary.naiveRowsPerSecond = median(load.naiveRowsPerSecond);
    summary.fleetOverCopyPipe = summary.fleetRowsPerSecond / summary.copyPipeRowsPerSecond;
    summary.fleetOverNaive = summary.fleetRowsPerSecond / summary.naiveRowsPerSecond;
  }
  if (results.incremental && results.incremental.length === 2) {
    summary.incrementalLargeOverSmall = median(results.incremental[1]!.ms) / median(results.incremental[0]!.ms);
  }
  if (results.scaling) {
    summary.scalingRowsPerSecond = Object.fromEntries(
      Object.entries(results.scaling).map(([workers, ms]) => [workers, rowsPerSecond(options.rows, median(ms))]),
    );
  }
  if (results.memory) {
    summary.peakRssMb = results.memory.map((entry) => ({
      rows: entry.rows,
      producer: Math.max(...entry.producerPeakRssMb),
      worker: Math.max(...entry.workerPeakRssMb),
    }));
  }
  return summary;
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (met: boolean) => (met ? 'met' : 'not met');

export function markdownReport(options: BenchOptions, machine: Machine, results: BenchResults, summary: Summary, failures: readonly string[]): string {
  const lines = [
    `Syncfleet benchmark — ${int(options.rows)} rows, median of ${options.runs} run(s); ` +
      `${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB RAM, PostgreSQL ${machine.postgres}, Node ${machine.node}`,
    '',
    '| Scenario | Result (median) | Against target |',
    '|---|---|---|',
  ];
  const load = results.load;
  if (load && summary.fleetRowsPerSecond !== undefined) {
    lines.push(
      `| 1. Initial load, fleet (producer + 2 worker processes) | ${int(summary.fleetRowsPerSecond)} rows/s (${seconds(median(load.fleetMs))}) | |`,
      `| 1a. Raw COPY pipe, psql → psql, PK table | ${int(summary.copyPipeRowsPerSecond!)} rows/s (${seconds(median(load.copyPipeMs))}) | fleet/COPY = ${summary.fleetOverCopyPipe!.toFixed(2)} (target ≥ 0.5: ${verdict(summary.fleetOverCopyPipe! >= 0.5)}) |`,
      `| 1b. Naive per-row autocommit upsert (${int(naiveSampleSize(options))}-row sample) | ${int(summary.naiveRowsPerSecond!)} rows/s | fleet/naive = ${summary.fleetOverNaive!.toFixed(1)}× (target ≥ 50×: ${verdict(summary.fleetOverNaive! >= 50)}) |`,
    );
  }
  for (const [index, entry] of (results.incremental ?? []).entries()) {
    const target =
      index === 1 && summary.incrementalLargeOverSmall !== undefined
        ? `${summary.incrementalLargeOverSmall.toFixed(2)}× the small table's time (target ≤ 1.5×: ${verdict(summary.incrementalLargeOverSmall <= 1.5)})`
        : '';
    lines.push(`| 2. Incremental, ${int(entry.changes)} changes (½ updates, ½ inserts) on ${int(entry.tableRows)} rows | ${seconds(median(entry.ms))} | ${target} |`);
  }
  if (results.noop) {
    const noop = results.noop;
    lines.push(
      `| 3. No-op re-sync (watermark at the end) | ${seconds(median(noop.atWatermarkMs))} | |`,
      `| 3. No-op full re-scan (new pipeline, every row compared) | ${seconds(median(noop.rescanMs))} | |`,
      `| 3. Rows written by both no-op passes (pg_stat_user_tables) | ${Math.max(...noop.rowsWritten)} | must be 0: ${verdict(noop.rowsWritten.every((n) => n === 0))} |`,
    );
  }
  for (const [workers, rate] of Object.entries(summary.scalingRowsPerSecond ?? {})) {
    lines.push(`| 4. Scaling, ${workers} worker process${workers === '1' ? '' : 'es'} | ${int(rate)} rows/s | |`);
  }
  const rss = summary.peakRssMb ?? [];
  for (const entry of rss) {
    lines.push(`| 5. Peak RSS at ${int(entry.rows)} rows | producer ${entry.producer.toFixed(0)} MB, worker ${entry.worker.toFixed(0)} MB | < 256 MB: ${verdict(entry.producer < 256 && entry.worker < 256)} |`);
  }
  lines.push('', failures.length === 0 ? 'Correctness: every destination matched its source (count + md5 digest of every row).' : `FAILED:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  return `${lines.join('\n')}\n`;
}
