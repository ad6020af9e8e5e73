/**
 * `quotelab backtest` on Binance captures through the real CLI: the instrument and the book's
 * synchronisation in the output and in --json, the refusal of a book that never synchronised (and
 * --allow-unsynced-book), and --instrument for a symbol the venue table lacks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FUTURES = join(ROOT, 'test/fixtures/binance/binance-usdm-btcusdt-synthetic.gz');

function quotelab(home: string, args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Depth updates and bookTickers of SOLUSDT with no REST snapshot: a book that can never synchronise. */
function unsyncedCapture(dir: string): string {
  const t0 = 1_723_161_253_000_000_000n;
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const at = String(t0 + BigInt(i * 100) * 1_000_000n);
    lines.push(
      `${at} {"stream":"solusdt@bookTicker","data":{"u":${2 * i + 1},"s":"SOLUSDT","b":"150.00","B":"5.0","a":"150.01","A":"5.0"}}`,
      `${at} {"stream":"solusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"SOLUSDT","U":${2 * i + 1},"u":${2 * i + 2},"b":[["150.00","5.0"]],"a":[]}}`,
    );
  }
  const file = join(dir, 'solusdt.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('quotelab backtest on Binance captures', () => {
  it('backtests a USD-M futures capture as USD-M BTCUSDT with every depth update applied', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-crypto-'));
    const args = ['backtest', '--strategy', 'as', '--source', FUTURES, '--no-lake'];
    const human = quotelab(home, args);
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      'instrument Binance USD-M futures BTCUSDT (venue table): tick 0.1, lot 0.001, min notional 100, fees 2/5 bps',
    );
    expect(human.stdout).toMatch(/book: 590 of 600 depth updates applied \(10 stale\), 0 gaps, 0 resyncs/);
    const json = quotelab(home, ['--json', ...args]);
    expect(json.status, json.stderr).toBe(0);
    const run = JSON.parse(json.stdout);
    expect(run.instrument).toMatchObject({
      venue: 'usd-m',
      symbol: 'BTCUSDT',
      tickSize: 0.1,
      lotSize: 0.001,
    });
    expect(run.book).toMatchObject({
      venue: 'usd-m',
      depthUpdates: 600,
      appliedUpdates: 590,
      gaps: 0,
      resyncs: 0,
    });
    expect(run.book.secondsOutOfSync).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a book that never synchronised, runs it with --allow-unsynced-book; an unknown symbol needs --instrument', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-crypto-'));
    const file = unsyncedCapture(home);
    const base = ['backtest', '--strategy', 'as', '--source', file, '--no-lake'];
    const unknown = quotelab(home, base);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(
      /no instrument specs for Binance spot SOLUSDT .*--instrument spot:SOLUSDT/,
    );
    const withInstrument = [...base, '--instrument', 'spot:SOLUSDT,tick=0.01,lot=0.01'];
    const refused = quotelab(home, withInstrument);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /never synchronised: 0 of 20 depth updates applied .*no REST depth snapshot.*--allow-unsynced-book/,
    );
    const allowed = quotelab(home, ['--json', ...withInstrument, '--allow-unsynced-book']);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout).book).toMatchObject({ synchronised: false, appliedUpdates: 0 });
  }, 120_000);
});
