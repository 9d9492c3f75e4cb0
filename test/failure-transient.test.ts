import { describe, expect } from 'vitest';
import pg from 'pg';
import { emptyCounters } from '@syncfleet/core';
import { createOrdersTable, test } from './support/sync-fixture.ts';
import { expectConsistent, ledgerCount, waitForWatermarkAtEnd } from './support/crash.ts';
import { FAST_RETRY, processQueued, scanOnly } from './support/failure.ts';
import { DATABASE_URL, waitFor } from './support/services.ts';

/** Ends every Syncfleet connection to the test's destination database, as a failover would. */
async function terminateWorkerBackends(admin: pg.Pool, database: string): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::text AS n
     FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'syncfleet%' AND pid <> pg_backend_pid()`,
    [database],
  );
  return Number(rows[0]!.n);
}

const OUTAGE_MS = 2000;

/**
 * ALTER DATABASE rewrites the database's pg_database row, which a concurrent VACUUM or another
 * suite's CREATE/DROP DATABASE may be updating in place: Postgres then answers XX000 "tuple
 * concurrently updated". The statement is idempotent, so try again.
 */
async function alterDatabase(admin: pg.Pool, database: string, allow: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS ${allow}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'XX000' || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}

describe('transient failures', () => {
  test('a worker backend terminated mid-batch: the batch retries and lands once', async ({ env }) => {
    await createOrdersTable(env.source, 1000);
    const config = env.config({ batchSize: 100, retry: FAST_RETRY });
    await scanOnly(config);
    const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    let terminated = 0;
    let faults = 0;
    try {
      const counters = await processQueued(config, {
        // Between the COPY and the upsert of the first two batches: the transaction is open.
        afterCopy: async () => {
          if (faults >= 2) return;
          faults += 1;
          const ended = await terminateWorkerBackends(admin, databaseOf(env.destinationUrl));
          terminated += ended;
        },
      });
      expect(terminated).toBeGreaterThanOrEqual(2);
      expect(counters.retried).toBeGreaterThanOrEqual(2);
      expect(counters).toMatchObject({ dead: 0, quarantined: 0, extracted: 1000, loaded: 1000 });
    } finally {
      await admin.end();
    }
    await waitForWatermarkAtEnd(env);
    await expectConsistent(env, expect);
    expect(await ledgerCount(env.destination)).toBe(10);
  });

  test('a destination that refuses connections for a while: batches retry until it is back, then land once', async ({ env }) => {
    await createOrdersTable(env.source, 1000);
    // Enough attempts to outlast the outage: 40 delays of up to 200 ms (mean 100 ms) span ~4 s.
    const config = env.config({ batchSize: 100, retry: { ...FAST_RETRY, attempts: 40 } });
    await scanOnly(config);
    const database = databaseOf(env.destinationUrl);
    const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
    const counters = emptyCounters();
    let outage: Promise<void> | undefined;
    let refusedWith: string | undefined;
    let outageMs = 0;
    try {
      await processQueued(
        config,
        {
          afterCopy: async () => {
            if (outage) return;
            // ALLOW_CONNECTIONS false refuses everyone, superusers included (CONNECTION LIMIT
            // does not bind superusers); the terminate then drops the open connections.
            await alterDatabase(admin, database, false);
            await terminateWorkerBackends(admin, database);
            const closedAt = performance.now();
            outage = (async () => {
              const probe = new pg.Client({ connectionString: env.destinationUrl });
              refusedWith = await probe.connect().then(
                () => 'connected',
                (error: { code?: string }) => error.code,
              );
              await probe.end().catch(() => undefined);
              // The outage itself lasts a set time, as a real one would; the retries must outlast it.
              await Promise.all([
                waitFor(async () => counters.retried >= 20, { what: 'batches to retry against the closed database' }),
                new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)),
              ]);
              await alterDatabase(admin, database, true);
              outageMs = performance.now() - closedAt;
            })();
          },
        },
        counters,
      );
      await outage;
    } finally {
      await alterDatabase(admin, database, true);
      await admin.end();
    }
    expect(refusedWith).toBe('55000'); // "database … is not currently accepting connections"
    expect(outageMs).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(counters.retried).toBeGreaterThanOrEqual(20);
    expect(counters).toMatchObject({ dead: 0, quarantined: 0, loaded: 1000 });
    await waitForWatermarkAtEnd(env);
    await expectConsistent(env, expect);
    expect(await ledgerCount(env.destination)).toBe(10);
  });
});
