import { spawn } from 'node:child_process';
import { describe, expect } from 'vitest';
import { createOrdersTable, REPO_ROOT, test, type CliProcess, type SyncEnv } from './support/sync-fixture.ts';
import { expectConsistent, ledgerCount, waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { waitFor } from './support/services.ts';

/**
 * Graceful shutdown with real processes, signalled the way a supervisor does it: SIGTERM to
 * the whole process group (Kubernetes, `docker stop`, Ctrl-C in a terminal). The started
 * process itself must drain and exit 0 within the drain timeout, and a restarted fleet must
 * finish the sync with nothing lost or doubled.
 */
const ROWS = 20_000;
const BATCHES = ROWS / 200;

async function startSync(env: SyncEnv, drainTimeout: string, extraEnv: Record<string, string> = {}, committed = 5) {
  await createOrdersTable(env.source, ROWS);
  const config = await writeConfigFile(
    env.rawConfig({ batchSize: 200 }, { worker: { concurrency: 2, drainTimeout, lockDuration: '3s' }, producer: { scanLockTtl: '3s' } }),
  );
  const worker = env.spawnCli(['--config', config, 'worker'], extraEnv, { detached: true });
  const producer = env.spawnCli(['--config', config, 'producer'], extraEnv, { detached: true });
  // Mid-sync: some batches committed, most still to come.
  await waitFor(async () => (await ledgerCount(env.destination)) >= committed, { what: 'the first batches to commit' });
  return { config, worker, producer };
}

/** This test's worker holds a destination transaction open: a batch is between COPY and commit. */
async function waitForBatchInFlight(env: SyncEnv): Promise<void> {
  const inFlight = `SELECT 1 FROM pg_stat_activity
                    WHERE datname = current_database() AND application_name = 'syncfleet-worker' AND state = 'idle in transaction'`;
  await waitFor(async () => (await env.destination.query(inFlight)).rowCount! > 0, { what: 'a batch in flight' });
}

function terminateGroup(process_: CliProcess): number {
  process.kill(-process_.child.pid!, 'SIGTERM');
  return Date.now();
}

async function expectExitZeroWithin(process_: CliProcess, since: number, ms: number): Promise<void> {
  const exit = await process_.exited;
  expect(exit, process_.stderr()).toEqual({ code: 0, signal: null });
  expect(Date.now() - since, process_.stderr()).toBeLessThan(ms);
}

async function finishAndCompare(env: SyncEnv, config: string): Promise<void> {
  const worker = env.spawnCli(['--config', config, 'worker']);
  const producer = env.spawnCli(['--config', config, 'producer']);
  await waitForWatermarkAtEnd(env, 90_000);
  await expectConsistent(env, expect);
  const { rows } = await env.destination.query<{ n: string }>('SELECT count(*)::text AS n FROM public.orders');
  expect(rows[0]!.n).toBe(String(ROWS));
  for (const child of [worker, producer]) child.child.kill('SIGTERM');
  for (const child of [worker, producer]) expect((await child.exited).code).toBe(0);
}

describe('graceful shutdown', () => {
  test('SIGTERM to the worker and producer process groups mid-sync: both drain and exit 0; a restart finishes exactly', async ({ env }) => {
    const { config, worker, producer } = await startSync(env, '10s');
    const committedAtSignal = await ledgerCount(env.destination);
    const since = terminateGroup(worker);
    terminateGroup(producer);
    await expectExitZeroWithin(worker, since, 10_000 + 5_000);
    await expectExitZeroWithin(producer, since, 15_000);
    // The signal came mid-sync (otherwise this test would prove nothing about draining).
    expect(committedAtSignal).toBeLessThan(BATCHES);
    expect(await ledgerCount(env.destination)).toBeLessThan(BATCHES);
    await finishAndCompare(env, config);
  });

  test('past the drain timeout the worker gives in-flight batches back uncommitted and still exits 0', async ({ env }) => {
    // Batches wait 30 s before their commit; the drain allows 500 ms, closing 5 s more.
    const { config, worker, producer } = await startSync(env, '500ms', { SYNCFLEET_FAULT: 'worker-pause-after-copy=30000', SYNCFLEET_LOG_LEVEL: 'info' }, 0);
    await waitFor(async () => worker.stderr().includes('"worker ready"'), { what: 'the worker to take batches' });
    await waitForBatchInFlight(env);
    const since = terminateGroup(worker);
    terminateGroup(producer);
    await expectExitZeroWithin(worker, since, 10_000);
    await expectExitZeroWithin(producer, since, 15_000);
    expect(worker.stderr()).toContain('drain timed out');
    expect(worker.stderr()).toContain('exiting (open transactions roll back)');
    // Nothing of the abandoned batches committed; their jobs go to the next worker.
    expect(await ledgerCount(env.destination)).toBe(0);
    await finishAndCompare(env, config);
  });

  test('a second SIGTERM during the drain is the same request, not a crash', async ({ env }) => {
    // Each batch waits 5 s before its commit, so the drain lasts long enough for a second signal.
    const { config, worker, producer } = await startSync(env, '10s', { SYNCFLEET_LOG_LEVEL: 'info', SYNCFLEET_FAULT: 'worker-pause-after-copy=5000' }, 0);
    await waitForBatchInFlight(env);
    const since = terminateGroup(worker);
    terminateGroup(producer);
    await waitFor(async () => worker.stderr().includes('shutting down'), { what: 'the worker to start draining' });
    terminateGroup(worker);
    await expectExitZeroWithin(worker, since, 15_000);
    await expectExitZeroWithin(producer, since, 15_000);
    expect(worker.stderr()).toContain('shutdown already in progress');
    // The batches in flight at the signal were let commit, not abandoned.
    expect(worker.stderr()).not.toContain('drain timed out');
    expect(await ledgerCount(env.destination)).toBeGreaterThan(0);
    await finishAndCompare(env, config);
  });

  test('`pnpm syncfleet worker` hands the signal to the worker itself: SIGTERM to its group ends with exit 0', async ({ env }) => {
    await createOrdersTable(env.source, 0);
    const config = await writeConfigFile(env.rawConfig());
    const child = spawn('pnpm', ['syncfleet', '--config', config, 'worker'], {
      cwd: REPO_ROOT,
      detached: true,
      env: { ...process.env, SYNCFLEET_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await waitFor(async () => output.includes('worker ready'), { what: 'the worker to be ready' });
      process.kill(-child.pid!, 'SIGTERM');
      expect(await exited, output).toEqual({ code: 0, signal: null });
      expect(output).toContain('worker stopped');
      expect(output).not.toContain('ELIFECYCLE');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});
