/**
 * The engine on the bundled real data: the Binance BTCUSDT capture (BBO + trades + depth) under every fill
 * model, and the KRX option day (all codes, trade-only). Every fill is checked against the event that
 * must have caused it, the books balance, snapshots cover every second, runs are byte-for-byte
 * reproducible, and changing the future does not change the past.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBinanceCapture } from '../../../src/core/market/binance/index.ts';
import { EVENT_BBO, EVENT_TRADE } from '../../../src/core/market/events.ts';
import type { EventColumns } from '../../../src/core/market/events.ts';
import type { BacktestConfig, BacktestResult } from '../../../src/core/sim/config.ts';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { BINANCE_SPOT_FEES, KRX_OPTION_FEES } from '../../../src/core/market/fees.ts';
import type { FillModel } from '../../../src/core/sim/fill-model.ts';
import { BTCUSDT_SPEC, krxOptionSpec } from '../../../src/core/market/instrument-specs.ts';
import { krxTradeEvents } from '../../../src/core/market/krx-events.ts';
import { empiricalLatency } from '../../../src/core/sim/latency.ts';
import { conservativeQueue, probabilisticQueue } from '../../../src/core/sim/queue-fill.ts';
import { tradeLogToCsv, tradeLogToJsonLines } from '../../../src/core/sim/trade-log.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import type { Fill, RegimeSeries } from '../../../src/core/trading/types.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { TickRow } from '../../../src/core/xml/krx-rows.ts';
import { rewrittenAfter } from './events.ts';
import { FixedSpreadQuoter, Recording } from './strategies.ts';
import { HEAVY_HOOK_TIMEOUT_MS, HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const data = (path: string) => fileURLToPath(new URL(`../../../data/${path}`, import.meta.url));

let btc: EventColumns;
let krx: EventColumns;

beforeAll(async () => {
  btc = (
    await readBinanceCapture(
      createReadStream(data('crypto/binance-spot-btcusdt-20240808.gz')).pipe(createGunzip()),
    )
  ).events;
  const ticks: TickRow[] = [];
  for (const file of ['202601_20251201_TICK_CALL.xml', '202601_20251201_TICK_PUT.xml']) {
    const read = await readKrxXmlAll(createReadStream(data(`krx-options-20251201/${file}`)), {
      srcFile: file,
    });
    ticks.push(...read.ticks);
  }
  krx = krxTradeEvents(ticks);
}, HEAVY_HOOK_TIMEOUT_MS);

/** Indexes of the events stamped exactly `ts` (events are time-ordered). */
function eventsAt(events: EventColumns, ts: number): number[] {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events.ts[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < events.length && events.ts[i] === ts; i++) out.push(i);
  return out;
}

/** Whether an event at the fill's time (same instrument) justifies it under the rule its note names. */
function explained(events: EventColumns, fill: Fill, note: string): boolean {
  const id = events.instruments.indexOf(fill.instrument);
  return eventsAt(events, fill.ts).some((i) => {
    if (events.instrument[i] !== id) return false;
    const kind = events.kind[i];
    const price = events.price[i]!;
    if (note === 'trade-through')
      return kind === EVENT_TRADE && (fill.side === 1 ? price < fill.price : price > fill.price);
    if (note === 'queue')
      return (
        kind === EVENT_TRADE && price === fill.price && events.side[i] !== fill.side && events.size[i]! > 0
      );
    if (note === 'bbo-through')
      return kind === EVENT_BBO && (fill.side === 1 ? events.price2[i]! <= fill.price : price >= fill.price);
    return false;
  });
}

function distinctTimes(events: EventColumns, byInstrument: boolean): number {
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++)
    seen.add(byInstrument ? `${events.ts[i]}|${events.instrument[i]}` : String(events.ts[i]));
  return seen.size;
}

/** The books balance: positions are the fills' sum, equity = realised + unrealised − fees. */
function expectBalanced(result: BacktestResult): void {
  expect(result.tradeLog.length).toBe(result.fills.length);
  for (const account of result.instruments) {
    const fills = result.fills.filter((f) => f.instrument === account.instrument);
    const position = fills.reduce((sum, f) => sum + f.side * f.quantity, 0);
    expect(account.position).toBeCloseTo(position, 9);
    expect(account.equity).toBeCloseTo(account.realizedPnl + account.unrealizedPnl - account.feesPaid, 6);
  }
  expect(result.stats.fills).toBe(result.stats.makerFills + result.stats.takerFills);
}

function btcRun(fillModel: FillModel, extra: Partial<BacktestConfig> = {}): BacktestResult {
  return runBacktest(btc, {
    instrument: () => BTCUSDT_SPEC,
    strategy: () => new FixedSpreadQuoter({ halfSpreadTicks: 0.5, size: 0.01, maxPosition: 0.05 }),
    fees: BINANCE_SPOT_FEES,
    fillModel,
    ...extra,
  });
}

describe('BTCUSDT capture (BBO + trades + depth)', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  for (const [name, model] of [
    ['trade-through', () => tradeThrough()],
    ['conservative queue', () => conservativeQueue()],
    ['probabilistic queue', () => probabilisticQueue()],
  ] as const) {
    it(`${name}: every fill has its cause in the data, the books balance, one wake-up per timestamp`, () => {
      const result = btcRun(model());
      expect(result.stats.events).toBe(btc.length);
      expect(result.stats.strategyCalls).toBe(distinctTimes(btc, false));
      expect(result.fills.length).toBeGreaterThan(50);
      for (const [k, fill] of result.fills.entries())
        expect(explained(btc, fill, result.tradeLog[k]!.note)).toBe(true);
      expectBalanced(result);
      for (const entry of result.tradeLog) {
        expect(entry.liquidity).toBe('maker');
        expect(entry.fee).toBeCloseTo(entry.cost * 0.001, 9);
        expect(entry.midAtTrade).toBeGreaterThan(0);
        expect(entry.spreadAtTrade <= 0).toBe(false); // NaN when one-sided, else positive
        expect(Math.abs(entry.orderbookImbalance)).toBeLessThanOrEqual(1);
        // The engine's σ needs the mids at the end of two seconds.
        if (entry.ts >= (Math.floor(btc.ts[0]! / 1000) + 2) * 1000)
          expect(entry.volatility).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it('one snapshot per second of the capture, each holding the state just before its end', () => {
    const result = btcRun(conservativeQueue());
    const first = Math.floor(btc.ts[0]! / 1000);
    const last = Math.floor(btc.ts[btc.length - 1]! / 1000);
    expect(result.snapshots.length).toBe(last - first + 1);
    expect(result.snapshots.length).toBe(346);
    result.snapshots.forEach((snapshot, k) => {
      expect(snapshot.ts).toBe((first + k + 1) * 1000);
      const position = result.fills
        .filter((f) => f.ts < snapshot.ts)
        .reduce((sum, f) => sum + f.side * f.quantity, 0);
      expect(snapshot.position).toBeCloseTo(position, 9);
      expect(snapshot.spread).toBeCloseTo(snapshot.ask - snapshot.bid, 9);
    });
    // The last BBO before each snapshot's end is its top of book.
    let i = 0;
    let bid = NaN;
    for (const snapshot of result.snapshots) {
      for (; i < btc.length && btc.ts[i]! < snapshot.ts; i++)
        if (btc.kind[i] === EVENT_BBO) bid = btc.price[i]!;
      expect(snapshot.bid).toBe(bid);
    }
  });

  it('labels fills profitable from the mid 60 s later, net of the fee, when the data reaches that far', () => {
    const result = btcRun(probabilisticQueue(), { fees: { makerBps: 0, takerBps: 0 } });
    const end = btc.ts[btc.length - 1]!;
    let labelled = 0;
    for (const entry of result.tradeLog) {
      const due = entry.ts + 60_000;
      if (due > end) {
        expect(entry.profitable).toBeUndefined();
        continue;
      }
      // Independent reference: the last BBO stamped before the due instant.
      let mid = NaN;
      for (let i = lastBefore(btc, due); i >= 0; i--)
        if (btc.kind[i] === EVENT_BBO) {
          mid = (btc.price[i]! + btc.price2[i]!) / 2;
          break;
        }
      const pnl = (entry.side === 'buy' ? 1 : -1) * (mid - entry.price) * entry.quantity;
      expect(entry.profitable).toBe(pnl > 0);
      labelled++;
    }
    expect(labelled).toBeGreaterThan(10);
  });

  it('is deterministic: same inputs, byte-identical trade log (CSV and JSON lines) and snapshots', () => {
    const config = (): Partial<BacktestConfig> => ({
      feedLatency: empiricalLatency([0.5, 1, 2, 8], 'feed'),
      orderLatency: empiricalLatency([1, 3, 5, 20], 'orders'),
      regimes: { at: (ts) => (Math.floor(ts / 60_000) % 2 === 0 ? 'calm' : 'busy') },
    });
    const a = btcRun(probabilisticQueue(), config());
    const b = btcRun(probabilisticQueue(), config());
    expect(a.fills.length).toBeGreaterThan(50);
    expect(tradeLogToCsv(b.tradeLog)).toBe(tradeLogToCsv(a.tradeLog));
    expect(tradeLogToJsonLines(b.tradeLog)).toBe(tradeLogToJsonLines(a.tradeLog));
    expect(JSON.stringify(b.snapshots)).toBe(JSON.stringify(a.snapshots));
    expect(b.stats).toEqual(a.stats);
    expect(new Set(a.tradeLog.map((e) => e.regime))).toEqual(new Set(['calm', 'busy']));
    // A different latency seed is a different run: the log is sensitive to what it should be.
    const c = btcRun(probabilisticQueue(), {
      ...config(),
      orderLatency: empiricalLatency([1, 3, 5, 20], 'other'),
    });
    expect(tradeLogToCsv(c.tradeLog)).not.toBe(tradeLogToCsv(a.tradeLog));
  });

  for (const feedLatency of [0, 2]) {
    it(`has no look-ahead (feed latency ${feedLatency} ms): rewriting every event after t changes nothing before t`, () => {
      const t = btc.ts[Math.floor(btc.length / 2)]!;
      const future = rewrittenAfter(btc, t, { flipSides: true });
      const run = (events: EventColumns) => {
        const strategy = new Recording(
          new FixedSpreadQuoter({ halfSpreadTicks: 0.5, size: 0.01, maxPosition: 0.05 }),
        );
        const result = runBacktest(events, {
          instrument: () => BTCUSDT_SPEC,
          strategy: () => strategy,
          fees: BINANCE_SPOT_FEES,
          fillModel: probabilisticQueue(),
          feedLatency,
          orderLatency: empiricalLatency([1, 3, 5, 20], 'orders'),
        });
        return { result, records: strategy.records };
      };
      const original = run(btc);
      const changed = run(future);
      // The strategy never saw an event younger than the feed latency.
      expect(original.records.every((r) => r.asOfMs <= r.nowMs - feedLatency)).toBe(true);
      const before = (records: typeof original.records) => records.filter((r) => r.nowMs <= t);
      expect(before(original.records).length).toBeGreaterThan(1000);
      expect(before(changed.records)).toEqual(before(original.records));
      const fillsBefore = (result: BacktestResult) => result.fills.filter((f) => f.ts <= t);
      expect(fillsBefore(original.result).length).toBeGreaterThan(10);
      expect(fillsBefore(changed.result)).toEqual(fillsBefore(original.result));
      // The rewrite did change what came after t (so the comparison above could have failed).
      expect(changed.records.filter((r) => r.nowMs > t)).not.toEqual(
        original.records.filter((r) => r.nowMs > t),
      );
    });
  }
});

/** Index of the last event stamped before `ts` (−1 if none). */
function lastBefore(events: EventColumns, ts: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events.ts[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

describe('KRX option day (all codes, trade-only)', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  const regimes: RegimeSeries = { at: () => 'test-regime' };
  const krxRun = (fillModel: FillModel) =>
    runBacktest(krx, {
      instrument: krxOptionSpec,
      strategy: () => new FixedSpreadQuoter({ halfSpreadTicks: 1, size: 1, maxPosition: 5 }),
      fees: KRX_OPTION_FEES,
      fillModel,
      regimes,
      snapshots: krx.instruments.slice(0, 2),
      dayStartOffsetMs: 9 * 3_600_000,
    });

  it('quotes every code around its last trade; fills only on trades through, sized within the trade', () => {
    expect(krx.instruments.length).toBe(164);
    const result = krxRun(tradeThrough());
    expect(result.instruments.length).toBe(164);
    expect(result.stats.strategyCalls).toBe(distinctTimes(krx, true));
    expect(result.fills.length).toBeGreaterThan(100);
    for (const [k, fill] of result.fills.entries()) {
      expect(explained(krx, fill, 'trade-through')).toBe(true);
      const entry = result.tradeLog[k]!;
      expect(entry.cost).toBeCloseTo(fill.price * fill.quantity * 250_000, 6);
      expect(entry.fee).toBeCloseTo(entry.cost * 0.001, 6);
      expect(entry.regime).toBe('test-regime');
      expect(Number.isNaN(entry.orderbookImbalance)).toBe(false);
    }
    // One trade never fills more than its size (ladder of one bid and one ask per code here).
    const perTrade = new Map<string, number>();
    for (const fill of result.fills) {
      const key = `${fill.instrument}|${fill.ts}|${fill.side}`;
      perTrade.set(key, (perTrade.get(key) ?? 0) + fill.quantity);
    }
    for (const [key, quantity] of perTrade) {
      const [code, ts] = key.split('|');
      const id = krx.instruments.indexOf(code!);
      const traded = eventsAt(krx, Number(ts))
        .filter((i) => krx.instrument[i] === id)
        .reduce((sum, i) => sum + krx.size[i]!, 0);
      expect(quantity).toBeLessThanOrEqual(traded);
    }
    expectBalanced(result);
    const first = Math.floor(krx.ts[0]! / 1000);
    const last = Math.floor(krx.ts[krx.length - 1]! / 1000);
    // Each snapshotted code is recorded every second from the second of its first trade on.
    const firstOf = (name: string) => {
      const id = krx.instruments.indexOf(name);
      let i = 0;
      while (krx.instrument[i] !== id) i++;
      return Math.floor(krx.ts[i]! / 1000);
    };
    const expected = krx.instruments.slice(0, 2).reduce((sum, name) => sum + last - firstOf(name) + 1, 0);
    expect(first).toBeLessThanOrEqual(firstOf(krx.instruments[0]!));
    expect(result.snapshots.length).toBe(expected);
    expect(result.snapshots.every((s) => Number.isNaN(s.spread) && s.regime === 'test-regime')).toBe(true);
  });

  it("fills more with atPrice 'front' than strictly through", () => {
    const strict = krxRun(tradeThrough());
    const front = krxRun(tradeThrough({ atPrice: 'front' }));
    expect(front.fills.length).toBeGreaterThan(strict.fills.length);
    expectBalanced(front);
  });
});
