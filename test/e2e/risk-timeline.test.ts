/**
 * A multi-day backtest through the CLI with the default risk limits: a loss that trips the daily loss
 * and drawdown limits early on does not leave the rest of the run reduce-only, and the summary, the JSON
 * and the report say when and why the gate stepped in.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateMarket } from '../../src/usecases/generate.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function quotelab(home: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe('the risk gate over a multi-day backtest', () => {
  it('trades every trading day after a bad first day, and shows the gate timeline', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-risk-days-'));
    const generated = await generateMarket({
      out: join(home, 'market'),
      seed: '7',
      start: '2026-03-02',
      days: 5,
    });
    const files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(home, 'market', f.name));
    const exported = join(home, 'export');
    const report = join(home, 'report.html');
    const args = ['backtest', '--strategy', 'as', '--source', ...files, '--no-lake', '--report', report];
    const run = JSON.parse(quotelab(home, ['--json', ...args, '--export', exported]));
    const days = run.riskTimeline.days as Array<{ tradingDay: string; reduceOnly: number; reviews: number }>;
    expect(days.map((d) => d.tradingDay)).toEqual(generated.days);
    // The first day trips the loss limits (the gate says so) ...
    expect(run.riskTimeline.episodes.map((e: { limit: string }) => e.limit)).toContain('daily-loss');
    // ... and every day still trades: fills (KST trade dates of the exported log) on each of them.
    const history = readFileSync(join(exported, 'trade_history.csv'), 'utf8').trim().split('\n').slice(1);
    const fillDays = new Set(
      history.map((line) =>
        new Date(Date.parse(line.split(',')[0]!) + 9 * 3_600_000).toISOString().slice(0, 10),
      ),
    );
    expect([...fillDays].sort()).toEqual(generated.days);
    for (const day of days) expect(day.reduceOnly).toBeLessThan(day.reviews);

    const text = quotelab(home, args);
    expect(text).toMatch(/risk gate: refused decisions on \d of 5 trading days/);
    expect(text).toMatch(/daily-loss reduce-only from 2026-03-03 \d\d:\d\d:\d\d KST until 2026-03-04/);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<h2>Risk gate</h2>');
    for (const day of generated.days) expect(html).toContain(`<tr><td>${day}</td>`);
  }, 600_000);
});
