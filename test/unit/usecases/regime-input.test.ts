/**
 * `quotelab backtest --regimes`: fixed names are checked against the ones the strategy knows (preset names
 * included), and labels come from any labels CSV (file, folder or pattern), also for a lake backtest, or
 * from the lake itself (`regime_labels_1m`, ingested with the market).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { presetNameFor } from '../../../src/core/strategy/index.ts';
import { runBacktestRequest } from '../../../src/usecases/backtest.ts';
import { generateMarket } from '../../../src/usecases/generate.ts';
import { ingestFiles } from '../../../src/usecases/ingest-files.ts';
import { KNOWN_REGIMES, regimeInput } from '../../../src/usecases/regime-input.ts';

let home: string;
let market: string;
let ticks: string[];
let platform: Platform;
const TRUE_REGIMES = ['trend_up', 'trend_down', 'range', 'volatile'];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'quotelab-regimes-'));
  market = join(home, 'market');
  const generated = await generateMarket({
    out: market,
    seed: 'regimes',
    start: '2025-12-01',
    days: 1,
    ticksPerDay: 1500,
  });
  ticks = generated.files.filter((f) => f.kind === 'tick').map((f) => join(market, f.name));
  platform = openLocalPlatform(home);
}, 120_000);
afterAll(() => platform.close());

const lakeRun = (regimes: string) =>
  runBacktestRequest(platform, {
    strategy: 'as',
    source: { kind: 'table' },
    regimes,
    writeLake: false,
    params: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
  });

describe('--regimes', () => {
  it('refuses an unknown name with the list of known ones, and takes every preset name', async () => {
    await expect(regimeInput('hi_vol', { source: 'table' })).rejects.toThrow(
      /unknown regime "hi_vol": --regimes takes none, labels, a labels CSV .*high_vol.*low_vol/,
    );
    for (const preset of ['trending', 'ranging', 'high_vol', 'low_vol']) {
      expect(KNOWN_REGIMES).toContain(preset);
      expect((await regimeInput(preset, { source: 'table' }))!.at(0)).toBe(preset);
      // The strategy answers to it: a fixed high_vol once left the base parameters on.
      expect(presetNameFor(preset)).toBe(preset);
    }
  });

  it('fails a bad name before reading any data', async () => {
    await expect(lakeRun('high-vol')).rejects.toThrow(/unknown regime "high-vol"/);
  });

  it('reads any labels CSV: a folder, a pattern or a file, with the ticks from the lake', async () => {
    const ingested = await ingestFiles(platform, ticks);
    expect(ingested.every((r) => r.error === undefined)).toBe(true);
    await expect(lakeRun('labels')).rejects.toThrow(
      /--regimes labels with --source table reads the lake's regime_labels_1m table, which has no labels: ingest the labels_YYYYMMDD\.csv files/,
    );
    for (const choice of [market, join(market, 'labels_*.csv'), join(market, 'labels_20251201.csv')]) {
      const run = await lakeRun(choice);
      expect(run.result.tradeLog.length, choice).toBeGreaterThan(0);
      for (const trade of run.result.tradeLog) expect(TRUE_REGIMES).toContain(trade.regime);
    }
  }, 180_000);

  it('labels ingested with the market: --source table --regimes labels = the XML with its labels CSV', async () => {
    const labels = join(market, 'labels_20251201.csv');
    const ingested = await ingestFiles(platform, [labels]);
    expect(ingested[0]!.error).toBeUndefined();
    expect(ingested[0]!.handled!.result!.counts.regimeLabels).toBe(
      readFileSync(labels, 'utf8').trim().split('\n').length - 1,
    );
    const fromLake = await lakeRun('labels');
    const fromCsv = await lakeRun(labels);
    expect(fromLake.result.tradeLog.length).toBeGreaterThan(0);
    expect(fromLake.result.tradeLog).toEqual(fromCsv.result.tradeLog);
    expect(fromLake.metrics).toEqual(fromCsv.metrics);
    const fromXml = await runBacktestRequest(platform, {
      strategy: 'as',
      source: { kind: 'files', paths: ticks },
      regimes: 'labels',
      writeLake: false,
      params: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
    });
    // The lake and the XML order simultaneous ticks of different codes apart; each fill's regime is the same.
    const regimeOf = (run: typeof fromXml) =>
      run.result.tradeLog.map((t) => `${t.ts} ${t.instrument} ${t.side} ${t.price} ${t.regime}`).sort();
    expect(regimeOf(fromLake)).toEqual(regimeOf(fromXml));
    const regimes = new Set(fromLake.result.tradeLog.map((t) => t.regime));
    expect([...regimes].every((r) => TRUE_REGIMES.includes(r))).toBe(true);
    // Trade dates outside what was ingested have no labels: said, not a run with none.
    await expect(
      runBacktestRequest(platform, {
        strategy: 'as',
        source: { kind: 'table' },
        regimes: 'labels',
        from: '2025-12-02',
        writeLake: false,
      }),
    ).rejects.toThrow(/has no labels for 2025-12-02\.\.…/);
  }, 180_000);

  it('refuses a labels file it cannot read, naming the file and line', async () => {
    const bad = join(home, 'bad_labels.csv');
    writeFileSync(bad, 'date,minute,regime,close\n2025-12-01,09:00,range,1\n2025-12-01,09:01,sideways,1\n');
    await expect(regimeInput(bad, { source: 'table' })).rejects.toThrow(
      /bad_labels\.csv line 3: unknown regime "sideways"; known: /,
    );
    writeFileSync(bad, 'date,minute,regime\n2025-12-01,09:00,range\n2025-12-01,09:00,volatile\n');
    await expect(regimeInput(bad, { source: 'table' })).rejects.toThrow(
      /bad_labels\.csv line 3: 2025-12-01 09:00 is labelled twice \(first on line 2\)/,
    );
    writeFileSync(bad, 'date,minute,regime\n2025-02-30,09:00,range\n');
    await expect(regimeInput(bad, { source: 'table' })).rejects.toThrow(
      /line 2: 2025-02-30 09:00 is not a time/,
    );
    writeFileSync(bad, 'when,what\n1,2\n');
    await expect(regimeInput(bad, { source: 'table' })).rejects.toThrow(/not a labels CSV/);
    await expect(regimeInput(join(home, 'missing.csv'), { source: 'table' })).rejects.toThrow(/no such file/);
  });
});
