import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/sync-fixture.ts';

const run = promisify(execFile);
const DIR = join(REPO_ROOT, 'deploy/prometheus');

interface Rule {
  alert?: string;
  expr: string;
  annotations?: Record<string, string>;
}

const promtool = await run('promtool', ['--version']).then(
  () => true,
  () => false,
);
const WITHOUT_PROMTOOL = 'promtool not installed (Debian package `prometheus`; .ci/run installs it) — rule tests skipped';

/** GitHub's anchor for a Markdown heading: lower-case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('deploy/prometheus', () => {
  it('gives every alert a summary and a runbook link to a README section that exists', async () => {
    const rules = (parse(await readFile(join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
    const alerts = rules.filter((rule) => rule.alert);
    expect(alerts.map((rule) => rule.alert).sort()).toEqual([
      'SyncfleetBatchFailureRatioHigh',
      'SyncfleetDeadLetterQueueNotEmpty',
      'SyncfleetNoProgress',
      'SyncfleetWatermarkLagHigh',
      'SyncfleetWorkerDown',
    ]);
    for (const rule of alerts) {
      expect(rule.annotations?.summary, `${rule.alert} summary`).toBeTruthy();
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook, `${rule.alert} runbook`).toMatch(/^README\.md#/);
      expect(anchors, `${rule.alert}: README has no heading for ${runbook}`).toContain(runbook.split('#')[1]);
    }
  });

  it.skipIf(!promtool)('passes `promtool test rules` on alerts.test.yml', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: DIR });
    expect(stdout).toContain('SUCCESS');
  });

  it.skipIf(!promtool)('has a prometheus.yml that `promtool check config` accepts', async () => {
    // The file points at the rules where docker-compose mounts them; check it against ours.
    const dir = await mkdtemp(join(tmpdir(), 'syncfleet-prometheus-'));
    try {
      const config = (await readFile(join(DIR, 'prometheus.yml'), 'utf8')).replace('/etc/prometheus/alerts.yml', join(DIR, 'alerts.yml'));
      await writeFile(join(dir, 'prometheus.yml'), config);
      const { stdout } = await run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(stdout).toContain('SUCCESS: 5 rules found');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.runIf(!promtool)(WITHOUT_PROMTOOL, (context) => {
    context.skip(WITHOUT_PROMTOOL);
  });
});
