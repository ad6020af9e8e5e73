/**
 * One place for results: backtests write their report under <home>/reports/ and index themselves;
 * `quotelab runs` lists them (text and JSON) and `quotelab report ID` gives the report back.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KRX_TICKS = ['202601_20251201_TICK_CALL.xml', '202601_20251201_TICK_PUT.xml'].map((f) =>
  join(ROOT, 'data/krx-options-20251201', f),
);

function quotelab(home: string, args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, QUOTELAB_TARGET: undefined },
  });
}

describe('figures in the CLI', () => {
  it('backtest prints KRW in whole won with separators (no .00), the same as its report', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-figures-'));
    const run = quotelab(home, ['backtest', '--strategy', 'as', '--source', ...KRX_TICKS, '--no-lake']);
    expect(run.status, run.stderr).toBe(0);
    const money =
      /PnL (−?\d{1,3}(?:,\d{3})*) KRW, Sharpe (−?\d+\.\d\d|–), .* max drawdown (\d{1,3}(?:,\d{3})*) KRW/.exec(
        run.stdout,
      );
    expect(money, run.stdout).not.toBeNull();
    expect(run.stdout).toMatch(/: 3,347 events, 164 instruments/);
    expect(run.stdout).toMatch(
      /hit rate (\d+\.\d\d %|–), profit factor (\d+\.\d\d|–|∞) \(\d+ closing fills\)/,
    );
    const report = readFileSync(
      join(home, 'reports', `${/run (as-\w+);/.exec(run.stdout)![1]}.html`),
      'utf8',
    );
    expect(report).toContain(`${money![1]} KRW`);
  });
});

describe('quotelab runs and quotelab report', () => {
  it('lists past backtests with id, when, strategy, data, PnL and report, and reopens one', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-runs-'));
    const empty = quotelab(home, ['runs']);
    expect(empty.status).toBe(0);
    expect(empty.stdout).toMatch(/^no runs recorded in .*runs\.jsonl yet/);

    const ids: string[] = [];
    for (const gamma of ['0.5', '1']) {
      const run = quotelab(home, [
        '--json',
        'backtest',
        '--strategy',
        'as',
        '--source',
        ...KRX_TICKS,
        '--param',
        `gamma=${gamma}`,
        '--no-lake',
      ]);
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.report).toBe(join(home, 'reports', `${result.runId}.html`));
      ids.push(result.runId);
    }

    const listed = quotelab(home, ['--json', 'runs']);
    expect(listed.status).toBe(0);
    const { runs, damaged } = JSON.parse(listed.stdout);
    expect(damaged).toEqual([]);
    expect(runs.map((r: { id: string }) => r.id)).toEqual([...ids].reverse());
    for (const run of runs) {
      expect(run).toMatchObject({
        kind: 'backtest',
        strategy: 'Avellaneda–Stoikov',
        data: '2 KRX files (krx-options-20251201)',
        measure: 'pnl',
        currency: 'KRW',
      });
      expect(Number.isFinite(run.value)).toBe(true);
      expect(Date.parse(run.when)).toBeGreaterThan(Date.parse('2025-01-01'));
      expect(readFileSync(run.report, 'utf8')).toContain('<svg');
    }

    const table = quotelab(home, ['runs']);
    expect(table.status).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+kind\s+when \(UTC\)\s+strategy\s+data\s+PnL \/ best\s+report$/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${ids[1]}\\s+backtest\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+Avellaneda–Stoikov\\s+2 KRX files.*\\s−?[\\d,]+ KRW\\s+\\S+\\.html$`,
      ),
    );

    const report = quotelab(home, ['report', ids[0]!]);
    expect(report.status).toBe(0);
    expect(report.stdout.trim()).toBe(join(home, 'reports', `${ids[0]}.html`));
    expect(existsSync(report.stdout.trim())).toBe(true);
    // a unique prefix finds the run; "as-" matches both and is refused with the candidates
    const byPrefix = quotelab(home, ['--json', 'report', ids[1]!.slice(0, -1)]);
    expect(byPrefix.status).toBe(0);
    expect(JSON.parse(byPrefix.stdout).id).toBe(ids[1]);
    const ambiguous = quotelab(home, ['--json', 'report', 'as-']);
    expect(ambiguous.status).toBe(1);
    expect(JSON.parse(ambiguous.stdout).error).toMatch(/ambiguous/);

    const unknown = quotelab(home, ['report', 'no-such-run']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^quotelab: no run "no-such-run" in .*runs\.jsonl/);

    appendFileSync(join(home, 'reports', 'runs.jsonl'), 'not json\n');
    const damagedRun = quotelab(home, ['runs']);
    expect(damagedRun.status).toBe(0);
    expect(damagedRun.stderr).toMatch(/runs\.jsonl line 3 skipped: not JSON/);
    expect(damagedRun.stdout.trim().split('\n')).toHaveLength(4);
  });
});
