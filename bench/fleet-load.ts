import { Fleet, writeFleetConfig, type SyncTiming } from './fleet-processes.ts';
import { deleteKeysWithPrefixAt } from '@syncfleet/connectors';
import { checksumOrders, type BenchDatabases, type TableChecksum } from './bench-databases.ts';

/** Everything a scenario needs to start fleets against one source. */
export interface FleetContext {
  readonly databases: BenchDatabases;
  readonly redisUrl: string;
  readonly configDir: string;
  readonly prefixBase: string;
  readonly profileDir: string | null;
  readonly logDir: string | null;
  readonly batchSize: number | null;
  readonly recordFailure: (what: string) => void;
}

export interface FleetLoad {
  readonly timing: SyncTiming;
  readonly workerPeakRssMb: readonly number[];
  /** Present when the caller asked to keep the fleet running for a follow-up scenario. */
  readonly fleet: Fleet | null;
}

let fleetCount = 0;

/**
 * An initial load: fresh destination database, fresh queue prefix, `workers` worker processes,
 * one producer pass; then the destination is checked against the source independently.
 */
export async function runInitialLoad(
  context: FleetContext,
  options: { sourceUrl: string; destinationDb: string; workers: number; keep?: boolean; label: string },
): Promise<FleetLoad> {
  const destinationUrl = await context.databases.recreate(options.destinationDb);
  const fleet = await startFleet(context, { sourceUrl: options.sourceUrl, destinationUrl, pipelines: ['orders'], workers: options.workers });
  try {
    const timing = await fleet.sync();
    await fleet.sampleWorkerMemory();
    const workerPeakRssMb = fleet.workerPeakRssMb();
    await verifySame(context, options.sourceUrl, destinationUrl, options.label);
    if (options.keep) return { timing, workerPeakRssMb, fleet };
    await fleet.close();
    return { timing, workerPeakRssMb, fleet: null };
  } catch (error) {
    await fleet.close();
    throw error;
  }
}

export async function startFleet(
  context: FleetContext,
  options: { sourceUrl: string; destinationUrl: string; pipelines: readonly string[]; workers: number },
): Promise<Fleet> {
  fleetCount += 1;
  const queuePrefix = `${context.prefixBase}-${fleetCount}`;
  await deleteKeysWithPrefixAt(context.redisUrl, queuePrefix);
  const configPath = await writeFleetConfig(context.configDir, `fleet-${fleetCount}`, {
    redis: context.redisUrl,
    queuePrefix,
    pipelines: options.pipelines,
    sourceUrl: options.sourceUrl,
    destinationUrl: options.destinationUrl,
    batchSize: context.batchSize,
  });
  const fleet = new Fleet(
    { configPath, sourceUrl: options.sourceUrl, destinationUrl: options.destinationUrl, profileDir: context.profileDir, logDir: context.logDir },
    async () => void (await deleteKeysWithPrefixAt(context.redisUrl, queuePrefix)),
  );
  await fleet.startWorkers(options.workers);
  return fleet;
}

/** Source and destination must hold the same rows, byte for byte; a fast wrong answer fails. */
export async function verifySame(context: FleetContext, sourceUrl: string, destinationUrl: string, label: string): Promise<TableChecksum> {
  const [source, destination] = await Promise.all([checksumOrders(sourceUrl), checksumOrders(destinationUrl)]);
  if (source.rows !== destination.rows || source.digest !== destination.digest) {
    context.recordFailure(
      `${label}: destination differs from source (rows ${destination.rows} vs ${source.rows}, digest ${destination.digest} vs ${source.digest})`,
    );
  }
  return source;
}
