/**
 * The Avellaneda–Stoikov strategy in the engine on the real BTCUSDT capture: its two speed-ups change
 * nothing but speed. Reusing an unchanged decision gives the same run as recomputing every time, and the
 * 'touch' wake mode wakes the strategy exactly when the observed best bid, best ask or mid moves, when
 * one of its orders fills, and on its timer; neither mode sees the future.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBinanceCapture } from '../../../src/core/market/binance/index.ts';
import { EVENT_BBO, EVENT_TRADE } from '../../../src/core/market/events.ts';
import type { EventColumns } from '../../../src/core/market/events.ts';
import { BTCUSDT_SPEC } from '../../../src/core/market/instrument-specs.ts';
import type { BacktestConfig, BacktestResult } from '../../../src/core/sim/config.ts';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { BINANCE_SPOT_FEES } from '../../../src/core/market/fees.ts';
import { empiricalLatency } from '../../../src/core/sim/latency.ts';
import { conservativeQueue } from '../../../src/core/sim/queue-fill.ts';
import { tradeLogToCsv } from '../../../src/core/sim/trade-log.ts';
import { AvellanedaStoikovStrategy, CRYPTO_AS_OPTIONS } from '../../../src/core/strategy/index.ts';
import type { AvellanedaStoikovOptions } from '../../../src/core/strategy/index.ts';
import { rewrittenAfter } from './events.ts';
import { Recording } from './strategies.ts';
import { HEAVY_HOOK_TIMEOUT_MS, HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

let btc: EventColumns;

beforeAll(async () => {
  const path = fileURLToPath(
    new URL('../../../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url),
  );
  btc = (await readBinanceCapture(createReadStream(path).pipe(createGunzip()))).events;
}, HEAVY_HOOK_TIMEOUT_MS);

/** Tight enough to fill on this half hour (Seed B's 0.1 % minimum spread never fills here). */
const ACTIVE: AvellanedaStoikovOptions = {
  minSpreadFraction: 0.00002,
  gamma: 0.1,
  orderSize: 0.01,
  maxPositionNotional: 50_000,
};

function run(events: EventColumns, options: AvellanedaStoikovOptions, extra: Partial<BacktestConfig> = {}) {
  const strategy = new Recording(new AvellanedaStoikovStrategy(CRYPTO_AS_OPTIONS, ACTIVE, options));
  const result = runBacktest(events, {
    instrument: () => BTCUSDT_SPEC,
    strategy: () => strategy,
    fees: BINANCE_SPOT_FEES,
    fillModel: conservativeQueue(),
    regimes: { at: (ts) => (Math.floor(ts / 300_000) % 2 === 0 ? 'Ranging' : 'Trending') },
    ...extra,
  });
  return { result, records: strategy.records };
}

const latency = (): Partial<BacktestConfig> => ({
  feedLatency: empiricalLatency([0.5, 1, 2, 8], 'feed'),
  orderLatency: empiricalLatency([1, 3, 5, 20], 'orders'),
});

describe('A&S in the engine (BTCUSDT capture)', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  for (const wakeOn of ['event', 'touch'] as const) {
    it(`reusing unchanged decisions gives the same run as recomputing (wakeOn ${wakeOn}, with latency)`, () => {
      const reused = run(btc, { wakeOn, reuseUnchangedDecisions: true }, latency());
      const recomputed = run(btc, { wakeOn, reuseUnchangedDecisions: false }, latency());
      expect(reused.result.fills.length).toBeGreaterThan(10);
      expect(tradeLogToCsv(reused.result.tradeLog)).toBe(tradeLogToCsv(recomputed.result.tradeLog));
      expect(JSON.stringify(reused.result.snapshots)).toBe(JSON.stringify(recomputed.result.snapshots));
      expect(reused.records).toEqual(recomputed.records);
      expect(reused.result.stats).toEqual(recomputed.result.stats);
    });
  }

  it("'touch' wakes exactly when the best bid, best ask or mid moves, at its fills and on its 1 s timer", () => {
    const { result, records } = run(btc, { wakeOn: 'touch' });
    // Independent reference from the events (no feed latency: observed = exchange state).
    const expected = new Set<number>();
    let bid = NaN;
    let ask = NaN;
    let trade = NaN;
    let mid = NaN;
    const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
    for (let i = 0; i < btc.length; i++) {
      const before = [bid, ask, mid];
      if (btc.kind[i] === EVENT_BBO) {
        bid = btc.price[i]!;
        ask = btc.price2[i]!;
      } else if (btc.kind[i] === EVENT_TRADE) {
        trade = btc.price[i]!;
      }
      mid = Number.isNaN(bid) || Number.isNaN(ask) ? trade : (bid + ask) / 2;
      if (!before.every((value, k) => same(value, [bid, ask, mid][k]!))) expected.add(btc.ts[i]!);
    }
    const touchTimes = expected.size;
    for (const fill of result.fills) expected.add(fill.ts);
    const first = btc.ts[0]!;
    for (let s = Math.floor(first / 1000) + 1; s * 1000 <= btc.ts[btc.length - 1]!; s++)
      expected.add(s * 1000);
    const woke = new Set(records.map((r) => r.nowMs));
    expect(woke).toEqual(expected);
    // Far fewer calls than events: most messages change only sizes or depth behind the touch.
    expect(records.length).toBeLessThan(btc.length / 3);
    expect(touchTimes).toBeGreaterThan(1000);
    expect(result.fills.length).toBeGreaterThan(5);
  });

  it("'touch' has no look-ahead: rewriting every event after t changes no decision or fill before t", () => {
    const t = btc.ts[Math.floor(btc.length / 2)]!;
    const future = rewrittenAfter(btc, t);
    const original = run(btc, { wakeOn: 'touch' }, latency());
    const changed = run(future, { wakeOn: 'touch' }, latency());
    const before = (records: typeof original.records) => records.filter((r) => r.nowMs <= t);
    expect(before(original.records).length).toBeGreaterThan(500);
    expect(before(changed.records)).toEqual(before(original.records));
    const fillsBefore = (result: BacktestResult) => result.fills.filter((f) => f.ts <= t);
    expect(fillsBefore(changed.result)).toEqual(fillsBefore(original.result));
    expect(changed.records.filter((r) => r.nowMs > t)).not.toEqual(
      original.records.filter((r) => r.nowMs > t),
    );
  });
});
