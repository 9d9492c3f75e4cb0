import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { FleetResources, listDeadLetters } from '@syncfleet/connectors';
import { BatchWorkers } from '@syncfleet/worker';
import { startDashboard } from '../apps/cli/src/dashboard-server.ts';
import { createOrdersTable, test } from './support/sync-fixture.ts';
import { waitForWatermarkAtEnd, writeConfigFile } from './support/crash.ts';
import { FAST_RETRY, expectSameOrders, logger, processQueued, scanOnly, watermarkOf } from './support/failure.ts';
import { waitFor } from './support/services.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  process.stderr.write(`failure-dashboard: SKIPPED the browser test: ${CHROMIUM} is absent (apt-get install -y chromium)\n`);
}

describe('Bull Board dashboard', () => {
  test.skipIf(!hasChromium)('an operator logs in, retries the dead batch from the dead-letter queue, and its rows land', async ({ env }) => {
    await createOrdersTable(env.source, 100);
    const config = env.config({ batchSize: 100, retry: FAST_RETRY });
    await scanOnly(config);
    await env.destination.query('ALTER TABLE public.orders DROP COLUMN amount');
    expect(await processQueued(config)).toMatchObject({ dead: 1, retried: 0 });
    await env.destination.query('ALTER TABLE public.orders ADD COLUMN amount numeric(12,2)');
    expect(await watermarkOf(env)).toBeNull();

    const password = randomUUID();
    const fleet = new FleetResources(config);
    const workers = new BatchWorkers({ fleet, pipelines: config.pipelines, concurrency: 1, logger });
    const dashboard = await startDashboard({
      fleet,
      pipelines: config.pipelines,
      host: '127.0.0.1',
      port: 0,
      credentials: { basic: { user: 'ops', password } },
      logger,
    });
    let browser: Browser | undefined;
    try {
      await workers.ready();
      const anonymous = await fetch(dashboard.url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      // Without the right credentials the browser gets no further than the challenge.
      const stranger = await (await browser.newContext({ httpCredentials: { username: 'ops', password: 'wrong' } })).newPage();
      expect((await stranger.goto(dashboard.url))?.status()).toBe(401);
      const context = await browser.newContext({ httpCredentials: { username: 'ops', password } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(dashboard.url);
      await page.getByRole('link', { name: /dead-letter/ }).first().click();
      await page.getByRole('link', { name: /FAILED/ }).click();
      const [entry] = await listDeadLetters(fleet);
      const jobLink = page.getByRole('link', { name: entry!.id });
      await jobLink.waitFor();
      const card = page.locator('div', { has: jobLink }).filter({ has: page.getByRole('tab', { name: 'Error' }) }).last();
      await expect.poll(() => card.getByText(/column "amount" .*does not exist/).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      // The job card's icon buttons are labelled by tooltips: hover, check it says Retry, click.
      const retry = card.locator('button:has(svg.lucide-refresh-cw)');
      await retry.hover();
      await page.getByText('Retry', { exact: true }).waitFor();
      await retry.click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await waitForWatermarkAtEnd(env);
      await expectSameOrders(env, expect);
      await waitFor(async () => (await listDeadLetters(fleet)).length === 0, { what: 'the dead-letter entry to be removed' });
    } finally {
      await browser?.close();
      await dashboard.close();
      await workers.close(5000);
      await fleet.close();
    }
  });

  test('the dashboard refuses a non-loopback address without credentials', async ({ env }) => {
    const file = await writeConfigFile(env.rawConfig());
    const cli = env.spawnCli(['--config', file, 'dashboard', '--host', '0.0.0.0', '--port', '0'], {
      SYNCFLEET_DASHBOARD_USER: '',
      SYNCFLEET_DASHBOARD_PASSWORD: '',
      SYNCFLEET_DASHBOARD_TOKEN: '',
    });
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain('refusing to listen on 0.0.0.0 without credentials');
    expect(cli.stderr()).toContain('SYNCFLEET_DASHBOARD_TOKEN');
  });
});
