/**
 * The minute signal strategy on a month of KRX options: 20 trading days generated with the repository's
 * generator (`quotelab generate`'s code, the real day's activity, seed 'bench-signal'), backtested the
 * way `quotelab backtest --strategy signal --source <the XML files> --no-lake` does it (read the XML,
 * run the engine, metrics and the HTML report). Prints the wall time of the whole run and of the engine
 * alone, the strategy's wake-ups, and the machine's load average when it started (the machine may be
 * shared). Asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalPlatform } from '../src/adapters/local/local-platform.ts';
import { runBacktestRequest } from '../src/usecases/backtest.ts';
import { generateMarket } from '../src/usecases/generate.ts';
import type { BenchResult } from './types.ts';

const DAYS = 20;

export async function run(): Promise<BenchResult[]> {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-bench-signal-'));
  try {
    const out = join(home, 'market');
    const generated = await generateMarket({ out, seed: 'bench-signal', start: '2026-03-02', days: DAYS });
    const files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(out, f.name));
    const platform = openLocalPlatform(join(home, 'state'));
    const load = loadavg()[0]!;
    let engineStarted = 0;
    let engineSeconds = 0;
    const started = performance.now();
    const summary = await runBacktestRequest(platform, {
      strategy: 'signal',
      source: { kind: 'files', paths: files },
      writeLake: false,
      onProgress: (stage) => {
        if (stage.startsWith('running')) engineStarted = performance.now();
        else if (engineStarted > 0 && engineSeconds === 0)
          engineSeconds = (performance.now() - engineStarted) / 1000;
      },
    });
    const wall = (performance.now() - started) / 1000;
    await platform.close();
    const days = generated.days.length;
    const stats = summary.result.stats;
    console.log(
      `  ${days} trading days (${generated.days[0]} … ${generated.days.at(-1)}), ${summary.events.toLocaleString('en-US')} trades, ` +
        `${summary.instruments} codes; load average ${load.toFixed(2)} at the start`,
    );
    return [
      { name: `signal month (${days} days): backtest wall time`, value: wall, unit: 's' },
      { name: 'signal month: engine only', value: engineSeconds, unit: 's' },
      { name: 'signal month: strategy wake-ups', value: stats.strategyCalls, unit: 'calls' },
      { name: 'signal month: fills', value: stats.fills, unit: 'fills' },
      { name: 'load average (1 min) at the start', value: load, unit: '' },
    ];
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
