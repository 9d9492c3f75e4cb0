import { spawn } from 'node:child_process';
import pg from 'pg';
import { createPool } from '@syncfleet/connectors';

/**
 * What the fleet is measured against, in the same run on the same machine:
 * - the raw COPY pipe, psql to psql into an empty table with the same primary key: the
 *   practical limit of moving rows between two databases;
 * - a naive per-row autocommit upsert loop: what a hand-written sync job does.
 */

/** `psql \copy … to stdout | psql \copy … from stdin`; returns elapsed ms. */
export async function timeCopyPipe(sourceUrl: string, destinationUrl: string): Promise<number> {
  const command =
    `psql -X -q -v ON_ERROR_STOP=1 -d "$SRC" -c '\\copy (SELECT * FROM public.orders) TO STDOUT' | ` +
    `psql -X -q -v ON_ERROR_STOP=1 -d "$DST" -c '\\copy public.orders FROM STDIN'`;
  const startedAt = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      env: { ...process.env, SRC: sourceUrl, DST: destinationUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`COPY pipe exited with ${code}: ${stderr.trim()}`))));
  });
  return performance.now() - startedAt;
}

/**
 * One `INSERT … ON CONFLICT DO UPDATE` per row, each its own transaction, over the first
 * `sample` rows of the source; returns rows per second. Extrapolating is fair: the loop's cost
 * is per row and does not change with table size (one index probe per row).
 */
export async function naiveUpsertRowsPerSecond(sourceUrl: string, destinationUrl: string, sample: number): Promise<number> {
  const source = createPool(sourceUrl, { max: 1, applicationName: 'syncfleet-bench' });
  const destination = new pg.Client({ connectionString: destinationUrl });
  await destination.connect();
  try {
    const { rows, fields } = await source.query({ text: 'SELECT * FROM public.orders ORDER BY id LIMIT $1', values: [sample], rowMode: 'array' });
    const columns = fields.map((field) => `"${field.name}"`);
    const placeholders = columns.map((_, index) => `$${index + 1}`).join(', ');
    const updates = columns.filter((column) => column !== '"id"').map((column) => `${column} = EXCLUDED.${column}`);
    const sql = `INSERT INTO public.orders (${columns.join(', ')}) VALUES (${placeholders}) ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`;
    const startedAt = performance.now();
    for (const row of rows as unknown[][]) await destination.query({ name: 'naive-upsert', text: sql, values: row });
    return rows.length / ((performance.now() - startedAt) / 1000);
  } finally {
    await destination.end();
    await source.end();
  }
}
