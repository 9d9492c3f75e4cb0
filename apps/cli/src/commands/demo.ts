import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { parseConfig } from '@syncfleet/core';
import { changeDemoOrders, seedDemo } from '../demo-seed.ts';
import { positiveInt } from '../options.ts';
import { EXIT_PIPELINE_FAILED } from '../exit-codes.ts';
import { runWithConfig } from '../run-with-config.ts';

export function registerDemoCommand(program: Command, cli: CliContext): void {
  program
    .command('demo')
    .description('create a demo source of --rows orders in local Postgres and sync it to another database with 2 workers')
    .option('--rows <n>', 'rows in the demo source table', positiveInt, 300_000)
    .option('--database-url <url>', 'a Postgres server to create the demo databases on', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
    .option('--redis <url>', 'Redis for the queues', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .action(async (options: { rows: number; databaseUrl: string; redis: string }) => {
      process.stdout.write(`seeding ${options.rows} orders into syncfleet_demo_shop…\n`);
      const databases = await seedDemo(options.databaseUrl, options.rows);
      const config = parseConfig(
        JSON.stringify({
          redis: options.redis,
          queuePrefix: `syncfleet-demo`,
          pipelines: [
            {
              name: 'orders',
              source: { kind: 'postgres', url: databases.sourceUrl, table: 'public.orders', key: ['id'], cursor: 'updated_at' },
              destination: { kind: 'postgres', url: databases.destinationUrl, table: 'public.orders', conflict: 'latest-wins' },
              batchSize: 5000,
              lag: '0s',
            },
          ],
        }),
        {},
      );
      process.stdout.write('syncing syncfleet_demo_shop.orders → syncfleet_demo_warehouse.orders through Redis with 2 workers…\n');
      const results = await runWithConfig(config, config.pipelines, 2, 'warn', true);
      const changed = await changeDemoOrders(databases.sourceUrl, 0.01);
      process.stdout.write(`changing ${changed} orders (1%) and syncing again: only the changes move…\n`);
      const again = await runWithConfig(config, config.pipelines, 2, 'warn');
      process.exitCode = [...results, ...again].some((result) => result.failed) ? EXIT_PIPELINE_FAILED : 0;
    });
}
