import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { createPool } from '@syncfleet/connectors';

/**
 * A real fleet, as users run it: `syncfleet worker` processes and a `syncfleet producer --once`,
 * each its own Node process started from the CLI, talking through Redis. Timing starts when the
 * producer is spawned (its start-up counts) and stops when the destination's watermark reaches
 * the source's last row: the moment a user could rely on the destination.
 */
export interface FleetSpec {
  readonly configPath: string;
  readonly sourceUrl: string;
  readonly destinationUrl: string;
  readonly profileDir?: string | null;
  /** Keep each process's JSON log (stderr) here, one file per process. */
  readonly logDir?: string | null;
}

export interface SyncTiming {
  readonly ms: number;
  readonly producerPeakRssMb: number;
  readonly producerOutput: string;
}

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
// As the image runs it: Node strips the types where it can, tsx compiles them elsewhere.
const CLI = ['bin/syncfleet.mjs'];
let logFiles = 0;
const SYNC_TIMEOUT_MS = 30 * 60_000;

export async function writeFleetConfig(
  dir: string,
  name: string,
  options: { redis: string; queuePrefix: string; pipelines: readonly string[]; sourceUrl: string; destinationUrl: string; batchSize: number | null },
): Promise<string> {
  const path = join(dir, `${name}.json`);
  // JSON is YAML: the CLI reads it like any syncfleet.yaml.
  const config = {
    redis: options.redis,
    queuePrefix: options.queuePrefix,
    pipelines: options.pipelines.map((name) => ({
      name,
      source: { kind: 'postgres', url: options.sourceUrl, table: 'public.orders', key: ['id'], cursor: 'updated_at' },
      destination: { kind: 'postgres', url: options.destinationUrl, table: 'public.orders', conflict: 'latest-wins' },
      ...(options.batchSize === null ? {} : { batchSize: options.batchSize }),
      lag: '0s',
      // The bench starts every scan itself with `producer --once`.
      schedule: '0 0 1 1 *',
    })),
  };
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

class CliProcess {
  readonly child: ChildProcess;
  peakRssKb = 0;
  private readonly stderrTail: string[] = [];
  private stdout = '';
  private readonly exited: Promise<number | null>;
  private readonly poller: NodeJS.Timeout;

  constructor(args: readonly string[], nodeFlags: readonly string[] = [], logFile: string | null = null) {
    this.child = spawn(process.execPath, [...nodeFlags, ...CLI, ...args], { cwd: REPOSITORY, stdio: ['ignore', 'pipe', 'pipe'] });
    if (logFile) this.child.stderr!.pipe(createWriteStream(logFile));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
      for (const [pattern, resolve] of this.waiters) if (line.includes(pattern)) resolve();
    });
    // VmHWM is the kernel's own peak-RSS record; polling only has to catch it before exit.
    this.poller = setInterval(() => void this.sampleMemory(), 100);
    void this.exited.then(() => clearInterval(this.poller));
  }

  private readonly waiters = new Map<string, () => void>();

  async waitForLog(pattern: string, timeoutMs: number): Promise<void> {
    const seen = new Promise<void>((resolve) => this.waiters.set(pattern, resolve));
    const timer = new AbortController();
    const result = await Promise.race([
      seen.then(() => 'seen' as const),
      this.exited.then(() => 'exited' as const),
      sleep(timeoutMs, undefined, { signal: timer.signal }).then(
        () => 'timeout' as const,
        () => 'seen' as const,
      ),
    ]);
    timer.abort();
    this.waiters.delete(pattern);
    if (result !== 'seen') throw new Error(`process ${result} before logging "${pattern}":\n${this.diagnostics()}`);
  }

  async sampleMemory(): Promise<void> {
    try {
      const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) this.peakRssKb = Math.max(this.peakRssKb, Number(match[1]));
    } catch {
      // the process has exited between two samples; its last sample stands
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  exit(): Promise<number | null> {
    return this.exited;
  }

  async stop(): Promise<number | null> {
    await this.sampleMemory();
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }

  output(): string {
    return this.stdout;
  }

  diagnostics(): string {
    return [`stdout: ${this.stdout.trim()}`, ...this.stderrTail].join('\n');
  }
}

export class Fleet {
  private workers: CliProcess[] = [];
  private readonly destination: pg.Pool;
  private readonly source: pg.Pool;

  private readonly spec: FleetSpec;
  private readonly cleanup: () => Promise<void>;

  constructor(
    spec: FleetSpec,
    cleanup: () => Promise<void> = async () => undefined,
  ) {
    this.spec = spec;
    this.cleanup = cleanup;
    this.destination = createPool(spec.destinationUrl, { max: 1, applicationName: 'syncfleet-bench' });
    this.source = createPool(spec.sourceUrl, { max: 1, applicationName: 'syncfleet-bench' });
  }

  private async logFile(role: string): Promise<string | null> {
    if (!this.spec.logDir) return null;
    await mkdir(this.spec.logDir, { recursive: true });
    logFiles += 1;
    return join(this.spec.logDir, `${String(logFiles).padStart(3, '0')}-${role}.log`);
  }

  private profileFlags(role = 'producer'): string[] {
    const dir = this.spec.profileDir;
    // One folder per role: V8 names the files by pid and thread, not by what the process was.
    return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, role)}`] : [];
  }

  /** Starts `count` worker processes and waits until each has connected its queue. */
  async startWorkers(count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      this.workers.push(
        new CliProcess(['--config', this.spec.configPath, '--log-level', 'info', 'worker'], this.profileFlags('worker'), await this.logFile('worker')),
      );
    }
    await Promise.all(this.workers.map((worker) => worker.waitForLog('worker ready', 60_000)));
  }

  /** SIGTERM to every worker; they drain and exit. Returns each one's peak RSS in MB. */
  async stopWorkers(): Promise<number[]> {
    const workers = this.workers;
    this.workers = [];
    const codes = await Promise.all(workers.map((worker) => worker.stop()));
    if (codes.some((code) => code !== 0)) {
      throw new Error(`a worker exited with ${codes.join(', ')}:\n${workers.map((worker) => worker.diagnostics()).join('\n')}`);
    }
    // Their Postgres sessions end after the processes do; wait, so table statistics are final.
    for (;;) {
      const { rows } = await this.destination.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'syncfleet-worker'`,
      );
      if (rows[0]!.n === '0') break;
      await sleep(20);
    }
    return workers.map((worker) => worker.peakRssKb / 1024);
  }

  workerPeakRssMb(): number[] {
    return this.workers.map((worker) => worker.peakRssKb / 1024);
  }

  async sampleWorkerMemory(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.sampleMemory()));
  }

  /** One `producer --once` for `pipeline`, then waits for the watermark to reach the source's last row. */
  async sync(pipeline = 'orders'): Promise<SyncTiming> {
    const target = await this.sourceEnd();
    const startedAt = performance.now();
    const producer = new CliProcess(['--config', this.spec.configPath, '--log-level', 'warn', 'producer', '--once', '--pipeline', pipeline], this.profileFlags(), await this.logFile('producer'));
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (;;) {
      if (!producer.running && producer.child.exitCode !== 0) {
        throw new Error(`producer exited with ${producer.child.exitCode}:\n${producer.diagnostics()}`);
      }
      const dead = this.workers.find((worker) => !worker.running);
      if (dead) throw new Error(`a worker died during the sync:\n${dead.diagnostics()}`);
      if (!producer.running && (await this.watermark(pipeline)) === target) break;
      if (Date.now() > deadline) throw new Error(`sync did not reach ${target} in time:\n${producer.diagnostics()}`);
      await sleep(producer.running ? 50 : 10);
    }
    const ms = performance.now() - startedAt;
    await producer.exit();
    return { ms, producerPeakRssMb: producer.peakRssKb / 1024, producerOutput: producer.output().trim() };
  }

  /** The source's last row in scan order, encoded as the fleet encodes keysets. */
  private async sourceEnd(): Promise<string | null> {
    const { rows } = await this.source.query<{ updated_at: string; id: string }>(
      'SELECT updated_at, id FROM public.orders ORDER BY updated_at DESC, id DESC LIMIT 1',
    );
    return rows[0] ? JSON.stringify([rows[0].updated_at, rows[0].id]) : null;
  }

  private async watermark(pipeline: string): Promise<string | null> {
    try {
      const { rows } = await this.destination.query<{ keyset: string | null }>(
        'SELECT keyset FROM syncfleet.watermarks WHERE pipeline = $1',
        [pipeline],
      );
      return rows[0]?.keyset ?? null;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return null; // not migrated yet
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.workers.length > 0) await this.stopWorkers().catch(() => undefined);
    await this.destination.end();
    await this.source.end();
    await this.cleanup();
  }
}
