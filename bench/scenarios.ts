import type { BenchOptions } from './bench-options.ts';
import { timeCopyPipe, naiveUpsertRowsPerSecond } from './baselines.ts';
import { checksumOrders, rowsWrittenSoFar } from './bench-databases.ts';
import { runInitialLoad, startFleet, verifySame, type FleetContext } from './fleet-load.ts';
import type { Fleet } from './fleet-processes.ts';
import { ORDERS_DDL, changeOrders, seedOrders } from './orders-source.ts';
import pg from 'pg';

export interface LoadResult {
  fleetMs: number[];
  copyPipeMs: number[];
  naiveRowsPerSecond: number[];
  producerPeakRssMb: number[];
  workerPeakRssMb: number[];
}

export interface IncrementalResult {
  changes: number;
  tableRows: number;
  ms: number[];
}

export interface NoopResult {
  /** Producer pass with the watermark already at the end: nothing to scan. */
  atWatermarkMs: number[];
  /** A new pipeline over the synced, unchanged table: every row scanned, hashed, queued, compared. */
  rescanMs: number[];
  /** Destination rows inserted, updated or deleted during both passes of each run. */
  rowsWritten: number[];
}

export interface MemoryResult {
  rows: number;
  producerPeakRssMb: number[];
  workerPeakRssMb: number[];
}

export interface BenchResults {
  load?: LoadResult;
  scaling?: Record<string, number[]>;
  incremental?: IncrementalResult[];
  noop?: NoopResult;
  memory?: MemoryResult[];
}

const WORKERS = 2;

export async function runScenarios(options: BenchOptions, context: FleetContext, results: BenchResults, log: (line: string) => void): Promise<void> {
  const { databases } = context;
  const wants = (name: string) => options.scenarios.has(name as never);
  log(`seeding ${options.rows} orders…`);
  const sourceUrl = await databases.recreate('sfbench_source');
  await seedOrders(sourceUrl, options.rows);

  let kept: Fleet | null = null;
  const needsSynced = wants('incremental') || wants('noop');

  if (wants('load') || wants('memory')) {
    const load: LoadResult = { fleetMs: [], copyPipeMs: [], naiveRowsPerSecond: [], producerPeakRssMb: [], workerPeakRssMb: [] };
    results.load = load;
    const copyUrl = await databases.recreate('sfbench_copy');
    const runs = wants('load') ? options.runs : 1;
    for (let run = 1; run <= runs; run += 1) {
      if (wants('load')) {
        await resetTable(copyUrl);
        load.copyPipeMs.push(await timeCopyPipe(sourceUrl, copyUrl));
        await verifySame(context, sourceUrl, copyUrl, `COPY pipe run ${run}`);
        await resetTable(copyUrl);
        load.naiveRowsPerSecond.push(await naiveUpsertRowsPerSecond(sourceUrl, copyUrl, naiveSampleSize(options)));
      }
      const keep = run === runs && needsSynced;
      const result = await runInitialLoad(context, { sourceUrl, destinationDb: 'sfbench_dest', workers: WORKERS, keep, label: `fleet load run ${run}` });
      kept = result.fleet;
      load.fleetMs.push(result.timing.ms);
      load.producerPeakRssMb.push(result.timing.producerPeakRssMb);
      load.workerPeakRssMb.push(Math.max(...result.workerPeakRssMb));
      log(
        `load run ${run}: fleet ${(result.timing.ms / 1000).toFixed(2)}s` +
          (wants('load') ? `, COPY pipe ${(load.copyPipeMs.at(-1)! / 1000).toFixed(2)}s, naive ${load.naiveRowsPerSecond.at(-1)!.toFixed(0)} rows/s` : ''),
      );
    }
    if (wants('memory')) results.memory = [{ rows: options.rows, producerPeakRssMb: load.producerPeakRssMb, workerPeakRssMb: load.workerPeakRssMb }];
  }

  if (needsSynced) {
    if (kept === null) {
      kept = (await runInitialLoad(context, { sourceUrl, destinationDb: 'sfbench_dest', workers: WORKERS, keep: true, label: 'fleet load for incremental' })).fleet;
    }
    const destinationUrl = databases.url('sfbench_dest');
    const changes = Math.max(2, Math.round(options.rows / 100));
    if (wants('incremental')) {
      results.incremental = [await incrementalRuns(options, context, kept!, sourceUrl, destinationUrl, changes, log)];
    }
    await kept!.close();
    kept = null;
    if (wants('noop')) results.noop = await noopRuns(options, context, sourceUrl, destinationUrl, log);
    if (wants('incremental')) {
      const largeRows = options.rows * options.scaleFactor;
      log(`seeding ${largeRows} orders for the ${options.scaleFactor}× incremental run…`);
      const largeSource = await databases.recreate('sfbench_source_large');
      await seedOrders(largeSource, largeRows);
      const large = await runInitialLoad(context, {
        sourceUrl: largeSource,
        destinationDb: 'sfbench_dest_large',
        workers: WORKERS,
        keep: true,
        label: `fleet load of ${largeRows} rows`,
      });
      log(`loaded ${largeRows} rows in ${(large.timing.ms / 1000).toFixed(1)}s`);
      try {
        results.incremental!.push(
          await incrementalRuns(options, context, large.fleet!, largeSource, databases.url('sfbench_dest_large'), changes, log),
        );
      } finally {
        await large.fleet!.close();
      }
    }
  }

  if (wants('scaling')) {
    results.scaling = {};
    for (const workers of [1, 2, 4]) {
      if (workers === WORKERS && results.load && wants('load')) {
        results.scaling[String(workers)] = results.load.fleetMs;
        continue;
      }
      const times: number[] = [];
      for (let run = 1; run <= options.runs; run += 1) {
        const result = await runInitialLoad(context, { sourceUrl, destinationDb: 'sfbench_dest', workers, label: `scaling ${workers} workers run ${run}` });
        times.push(result.timing.ms);
        log(`scaling ${workers} workers run ${run}: ${(result.timing.ms / 1000).toFixed(2)}s`);
      }
      results.scaling[String(workers)] = times;
    }
  }

  if (wants('memory') && options.memoryRows > 0) {
    log(`seeding ${options.memoryRows} orders for the memory run…`);
    const memorySource = await databases.recreate('sfbench_source_memory');
    await seedOrders(memorySource, options.memoryRows);
    const result = await runInitialLoad(context, { sourceUrl: memorySource, destinationDb: 'sfbench_dest_memory', workers: WORKERS, label: `memory run at ${options.memoryRows} rows` });
    log(`memory run at ${options.memoryRows} rows: ${(result.timing.ms / 1000).toFixed(1)}s`);
    results.memory!.push({ rows: options.memoryRows, producerPeakRssMb: [result.timing.producerPeakRssMb], workerPeakRssMb: [Math.max(...result.workerPeakRssMb)] });
  }
}

async function incrementalRuns(
  options: BenchOptions,
  context: FleetContext,
  fleet: Fleet,
  sourceUrl: string,
  destinationUrl: string,
  changes: number,
  log: (line: string) => void,
): Promise<IncrementalResult> {
  const ms: number[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    await changeOrders(sourceUrl, changes);
    const timing = await fleet.sync();
    ms.push(timing.ms);
    await verifySame(context, sourceUrl, destinationUrl, `incremental run ${run}`);
  }
  const { rows } = await checksumOrders(sourceUrl);
  log(`incremental ${changes} changes on ${rows} rows: ${ms.map((value) => (value / 1000).toFixed(2)).join('s, ')}s`);
  return { changes, tableRows: rows, ms };
}

/**
 * Each run: two passes by one fleet — the pipeline again with its watermark at the end, then a
 * new pipeline over the same tables (no watermark: every row scanned, hashed, queued and
 * compared). Writes are counted from pg_stat_user_tables around the run with no worker session
 * open before or after, so every count a worker made has been reported.
 */
async function noopRuns(
  options: BenchOptions,
  context: FleetContext,
  sourceUrl: string,
  destinationUrl: string,
  log: (line: string) => void,
): Promise<NoopResult> {
  const result: NoopResult = { atWatermarkMs: [], rescanMs: [], rowsWritten: [] };
  for (let run = 1; run <= options.runs; run += 1) {
    const rescan = `orders-rescan-${run}`;
    const before = await rowsWrittenSoFar(destinationUrl);
    const fleet = await startFleet(context, { sourceUrl, destinationUrl, pipelines: ['orders', rescan], workers: WORKERS });
    try {
      result.atWatermarkMs.push((await fleet.sync('orders')).ms);
      result.rescanMs.push((await fleet.sync(rescan)).ms);
      await fleet.stopWorkers();
    } finally {
      await fleet.close();
    }
    const written = (await rowsWrittenSoFar(destinationUrl)) - before;
    result.rowsWritten.push(written);
    if (written !== 0) context.recordFailure(`no-op run ${run}: ${written} rows written to an unchanged destination`);
    await verifySame(context, sourceUrl, destinationUrl, `no-op run ${run}`);
    log(`no-op run ${run}: at watermark ${(result.atWatermarkMs.at(-1)! / 1000).toFixed(2)}s, full re-scan ${(result.rescanMs.at(-1)! / 1000).toFixed(2)}s, ${written} rows written`);
  }
  return result;
}

async function resetTable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS public.orders');
    await client.query(ORDERS_DDL);
  } finally {
    await client.end();
  }
}

/** The naive loop is slow by nature; a tenth of a small table is sample enough. */
export function naiveSampleSize(options: BenchOptions): number {
  return Math.max(1, Math.min(options.naiveSample, Math.floor(options.rows / 10)));
}
