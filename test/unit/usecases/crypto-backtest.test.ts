/**
 * Crypto backtests take their instrument from the capture: symbol from the stream names, venue from the
 * payloads, specs (tick, lot, min notional, fees) from the venue table, or `--instrument`. A book that never
 * synchronised is refused unless asked. (Was: every capture ran as BTCUSDT spot, tick 0.01, spot fees.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BINANCE_INSTRUMENTS,
  binanceInstrument,
  parseInstrumentOverride,
} from '../../../src/core/market/instrument-specs.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { runBacktestRequest } from '../../../src/usecases/backtest.ts';
import type { BacktestRequest } from '../../../src/usecases/backtest.ts';

const FUTURES = fileURLToPath(
  new URL('../../fixtures/binance/binance-usdm-btcusdt-synthetic.gz', import.meta.url),
);
const SPOT = fileURLToPath(new URL('../../../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url));
/** Files only: nothing is read from or written to the lake (writeLake false). */
const NO_PLATFORM = {} as Platform;
/** Quotes close enough to the touch to fill on the small fixture. */
const TIGHT = { minSpreadFraction: '0.00001', maxSpreadFraction: '0.00005', gamma: '0.1' };

const run = (path: string, extra: Partial<BacktestRequest> = {}) =>
  runBacktestRequest(NO_PLATFORM, {
    strategy: 'as',
    source: { kind: 'files', paths: [path] },
    writeLake: false,
    ...extra,
  });

/** A tiny capture in the raw format, for a symbol and with or without a REST snapshot. */
function captureFile(symbol: string, options: { snapshot: boolean }): string {
  const s = symbol.toLowerCase();
  const t0 = 1_723_161_253_000_000_000n;
  const at = (ms: number) => String(t0 + BigInt(ms) * 1_000_000n);
  const lines: string[] = [];
  let u = 100;
  for (let i = 0; i < 40; i++) {
    const ms = i * 100;
    const bid = (150 + (i % 5) * 0.01).toFixed(2);
    const ask = (150.05 + (i % 5) * 0.01).toFixed(2);
    lines.push(
      `${at(ms)} {"stream":"${s}@bookTicker","data":{"u":${u + 1},"s":"${symbol}","b":"${bid}","B":"5.000","a":"${ask}","A":"5.000"}}`,
      `${at(ms + 10)} {"stream":"${s}@trade","data":{"e":"trade","E":${1723161254000 + ms},"s":"${symbol}","t":${i + 1},"p":"${bid}","q":"0.100","T":${1723161254000 + ms},"m":true,"M":true}}`,
      `${at(ms + 20)} {"stream":"${s}@depth@100ms","data":{"e":"depthUpdate","E":${1723161254000 + ms},"s":"${symbol}","U":${u + 1},"u":${u + 2},"b":[["${bid}","5.000"]],"a":[["${ask}","5.000"]]}}`,
    );
    u += 2;
    if (options.snapshot && i === 0)
      lines.push(
        `${at(ms + 30)} {"lastUpdateId":${u},"bids":[["${bid}","5.000"]],"asks":[["${ask}","5.000"]]}`,
      );
  }
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-crypto-'));
  const file = join(dir, `${s}-capture.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('the venue table', () => {
  it('has spot and USD-M BTCUSDT and ETHUSDT with their own tick, lot, min notional and fees', () => {
    expect(BINANCE_INSTRUMENTS.map((i) => `${i.venue}:${i.symbol}`)).toEqual([
      'spot:BTCUSDT',
      'spot:ETHUSDT',
      'usd-m:BTCUSDT',
      'usd-m:ETHUSDT',
    ]);
    expect(binanceInstrument('usd-m', 'BTCUSDT')).toMatchObject({
      tickSize: 0.1,
      lotSize: 0.001,
      minNotional: 100,
      fees: { makerBps: 2, takerBps: 5 },
    });
    expect(binanceInstrument('spot', 'btcusdt')).toMatchObject({ tickSize: 0.01, lotSize: 0.00001 });
    expect(binanceInstrument('spot', 'ETHUSDT')).toMatchObject({ lotSize: 0.0001, fees: { makerBps: 10 } });
  });

  it('fails on an unknown symbol with the known ones and the --instrument way out', () => {
    expect(() => binanceInstrument('spot', 'SOLUSDT')).toThrow(
      /no instrument specs for Binance spot SOLUSDT \(known: spot:BTCUSDT, .*\); give them with --instrument spot:SOLUSDT,tick=/,
    );
  });

  it('parses --instrument: a table row, a row with an override, a new symbol; bad input fails clearly', () => {
    expect(parseInstrumentOverride('usd-m:ethusdt')).toMatchObject({ symbol: 'ETHUSDT', tickSize: 0.01 });
    expect(parseInstrumentOverride('usd-m:BTCUSDT,tick=0.5')).toMatchObject({
      tickSize: 0.5,
      lotSize: 0.001,
    });
    expect(parseInstrumentOverride('spot:SOLUSDT,tick=0.01,lot=0.001')).toMatchObject({
      venue: 'spot',
      minNotional: 0,
      fees: { makerBps: 10, takerBps: 10 },
    });
    expect(() => parseInstrumentOverride('spot:SOLUSDT')).toThrow(/tick= and lot= are required/);
    expect(() => parseInstrumentOverride('margin:BTCUSDT')).toThrow(/VENUE spot or usd-m/);
    expect(() => parseInstrumentOverride('spot:BTCUSDT,tick=-1')).toThrow(/tick must be a positive number/);
    expect(() => parseInstrumentOverride('spot:BTCUSDT,size=1')).toThrow(/unknown field "size"/);
  });
});

describe('crypto backtests pick the instrument from the capture', () => {
  it('runs the futures capture as USD-M BTCUSDT: fills on the 0.10 tick, lot 0.001, futures fees', async () => {
    const summary = await run(FUTURES, { params: TIGHT });
    expect(summary.instrument).toMatchObject({ venue: 'usd-m', symbol: 'BTCUSDT', from: 'venue table' });
    expect(summary.book).toMatchObject({ venue: 'usd-m', appliedUpdates: 590, gaps: 0, synchronised: true });
    const fills = summary.result.fills;
    expect(fills.length).toBeGreaterThan(0);
    for (const fill of fills) {
      expect(Math.abs(fill.price * 10 - Math.round(fill.price * 10))).toBeLessThan(1e-6);
      expect(Math.abs(fill.quantity * 1000 - Math.round(fill.quantity * 1000))).toBeLessThan(1e-6);
      // Maker 2 bps of notional.
      expect(fill.fee).toBeCloseTo(fill.price * fill.quantity * 0.0002, 9);
    }
    // The default size meets the 100 USDT min notional: 2 lots at about 61,850.
    expect(fills[0]!.quantity).toBe(0.002);
    expect(summary.html).toContain('Instrument and order book');
    expect(summary.html).toContain('USD-M futures: pu = previous u');
  });

  it('runs the spot capture as spot BTCUSDT with spot fees', async () => {
    const summary = await run(SPOT, { params: { minSpreadFraction: '0.00002', gamma: '0.1' } });
    expect(summary.instrument).toMatchObject({ venue: 'spot', symbol: 'BTCUSDT', tickSize: 0.01 });
    expect(summary.book).toMatchObject({ gaps: 0, resyncs: 0, synchronised: true });
    const fill = summary.result.fills[0]!;
    expect(fill.fee).toBeCloseTo(fill.price * fill.quantity * 0.001, 9);
  });

  it('refuses an orderSize below the min notional, naming the size that works', async () => {
    await expect(run(FUTURES, { params: { orderSize: '0.001' } })).rejects.toThrow(
      /orderSize 0.001 × price .* is below the 100 USDT min notional of usd-m:BTCUSDT; use orderSize=0.002/,
    );
  });

  it('fails on a symbol the table lacks, and runs it with --instrument', async () => {
    const file = captureFile('SOLUSDT', { snapshot: true });
    await expect(run(file)).rejects.toThrow(/no instrument specs for Binance spot SOLUSDT/);
    const summary = await run(file, { instrument: 'spot:SOLUSDT,tick=0.01,lot=0.001' });
    expect(summary.instrument).toMatchObject({ symbol: 'SOLUSDT', tickSize: 0.01, from: '--instrument' });
    await expect(run(file, { instrument: 'spot:ETHUSDT' })).rejects.toThrow(
      '--instrument names ETHUSDT, but the capture is SOLUSDT',
    );
  });

  it('refuses a book that never synchronised unless --allow-unsynced-book', async () => {
    const file = captureFile('ETHUSDT', { snapshot: false });
    await expect(run(file)).rejects.toThrow(
      /never synchronised: 0 of 40 depth updates applied .*the capture has no REST depth snapshot.*--allow-unsynced-book/,
    );
    const summary = await run(file, { allowUnsyncedBook: true });
    expect(summary.book).toMatchObject({ synchronised: false, appliedUpdates: 0, depthUpdates: 40 });
    expect(summary.html).toContain('The order book never synchronised');
  });
});
