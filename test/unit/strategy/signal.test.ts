import { describe, expect, it } from 'vitest';
import { buildMinuteBars } from '../../../src/core/features/bars.ts';
import type { BarTick } from '../../../src/core/features/bars.ts';
import { computeFeatures } from '../../../src/core/features/features.ts';
import type { FeatureRow } from '../../../src/core/features/features.ts';
import { krxOptionSpec } from '../../../src/core/market/instrument-specs.ts';
import { kstToUtcMs } from '../../../src/core/market/kst.ts';
import type { Decision } from '../../../src/core/trading/types.ts';
import { LinearPredictor, momentumBaseline, SeriesPredictor } from '../../../src/core/strategy/predictor.ts';
import type { Predictor } from '../../../src/core/strategy/predictor.ts';
import { SignalStrategy } from '../../../src/core/strategy/signal.ts';
import { Random } from '../../../src/core/math/random.ts';
import { accountView, asViews, marketView, trade } from './fixtures.ts';

const CODE = 'B0161530';
const KRX = krxOptionSpec(CODE);
const NINE = kstToUtcMs('2026-01-06', '090000');
const MINUTE = 60_000;

/**
 * One trade 30 s into each minute, from 09:00, a decision at each trade. With the default 1 s close
 * delay the decision at minute m closes bar m − 1 (ended at the minute's start), so decision m acts on
 * the features of bar m − 1. `onDecision` may change the position (a fill) before the next minute.
 */
function runMinutes(
  strategy: SignalStrategy,
  prices: number[],
  onDecision: (minute: number, decision: Decision, account: { position: number }) => void = () => {},
): Decision[] {
  const market = marketView(KRX);
  const account = accountView();
  const decisions: Decision[] = [];
  prices.forEach((price, minute) => {
    const ts = NINE + minute * MINUTE + 30_000;
    market.asOfMs = ts;
    market.mid = price;
    market.recentTrades = [trade(ts, price)];
    const decision = strategy.decide(...asViews(market, account), ts);
    decisions.push(decision);
    onDecision(minute, decision, account);
  });
  return decisions;
}

describe('the minute signal strategy', () => {
  it('buys, holds and sells on the baseline momentum prediction at bar closes', () => {
    // Closes: 2.00 for bars 0–4, 2.20 for bars 5–10, 1.80 for bar 11 (bar 12 only closes bar 11).
    //   bars 0–4: f_ret_5 still warming up (needs 6 bars) → prediction NaN → HOLD
    //   bar 5:  2.20/2.00 − 1 = +0.10 > θ = 0.01 → target +1 → BUY 1 (filled: position 1)
    //   bars 6–9: c_t / c_{t−5} = 2.20/2.00 − 1 = +0.10 → target +1 = position → HOLD
    //   bar 10: 2.20/2.20 − 1 = 0 → |p| ≤ θ → HOLD (keep the position)
    //   bar 11: 1.80/2.20 − 1 = −0.1818 < −θ → target −1 → SELL 2
    const prices = [2, 2, 2, 2, 2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 1.8, 1.8];
    const decisions = runMinutes(new SignalStrategy(), prices, (_, decision, account) => {
      account.position += decision.marketOrder;
    });
    expect(decisions[0]).toEqual({ quotes: [], marketOrder: 0 }); // no bar has closed yet
    const actions = decisions.slice(1).map((d) => d.diagnostics!.action);
    expect(actions).toEqual([
      'HOLD',
      'HOLD',
      'HOLD',
      'HOLD',
      'HOLD',
      'BUY',
      'HOLD',
      'HOLD',
      'HOLD',
      'HOLD',
      'HOLD',
      'SELL',
    ]);
    expect(decisions.map((d) => d.marketOrder)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, -2]);
    expect(decisions[6]!.diagnostics).toMatchObject({
      prediction: expect.closeTo(0.1, 12),
      target: 1,
      barTs: NINE + 5 * MINUTE,
      close: 2.2,
      predictor: 'momentum-f_ret_5',
    });
    expect(decisions[12]!.diagnostics!.prediction).toBeCloseTo(1.8 / 2.2 - 1, 12);
    expect(decisions.every((d) => d.quotes.length === 0)).toBe(true);
  });

  it('acts at most once per bar close', () => {
    const strategy = new SignalStrategy({ predictor: constant(0.05) });
    const market = marketView(KRX);
    const account = accountView();
    const at = (ms: number, trades = [trade(ms, 1)]) => {
      market.asOfMs = ms;
      market.recentTrades = trades;
      return strategy.decide(...asViews(market, account), ms);
    };
    at(NINE + 10_000);
    expect(at(NINE + 40_000).marketOrder).toBe(0); // bar 09:00 still open
    expect(at(NINE + MINUTE + 5_000).marketOrder).toBe(1); // 09:00 closed (a 09:01 trade) → BUY
    // Further wake-ups in the same minute, with or without trades, do nothing (even with no fill yet).
    expect(at(NINE + MINUTE + 6_000, [])).toEqual({ quotes: [], marketOrder: 0 });
    expect(at(NINE + MINUTE + 30_000).marketOrder).toBe(0);
    // The clock closes 09:01 at 09:02:01 (1 s delay) without any new trade.
    expect(at(NINE + 2 * MINUTE + 500, []).marketOrder).toBe(0);
    expect(at(NINE + 2 * MINUTE + 1_000, []).marketOrder).toBe(1);
  });

  it('keeps the position within its limits', () => {
    const base = new SignalStrategy({ maxPosition: 2 });
    // θ = 0.01: beyond it the target is the limit; within it the position is kept, pulled back inside the limits.
    expect(base.targetFor(0.02, 0)).toBe(2);
    expect(base.targetFor(0.02, 2)).toBe(2);
    expect(base.targetFor(-0.02, 1)).toBe(-2);
    expect(base.targetFor(0.01, 0)).toBe(0); // not > θ
    expect(base.targetFor(0.005, 1)).toBe(1);
    expect(base.targetFor(0.005, 5)).toBe(2);
    expect(base.targetFor(NaN, -1)).toBe(-1);
    const longOnly = new SignalStrategy({ maxPosition: 2, allowShort: false });
    expect(longOnly.targetFor(-0.02, 1)).toBe(0);
    expect(longOnly.targetFor(0, -2)).toBe(0);
    const flat = new SignalStrategy({ maxPosition: 2, neutral: 'flat', threshold: 0.03 });
    expect(flat.targetFor(0.02, 2)).toBe(0);
    expect(flat.targetFor(NaN, 2)).toBe(2); // no opinion: hold
    expect(flat.targetFor(0.031, 0)).toBe(2);
  });

  it('sees exactly the features the offline tables hold for the same ticks', () => {
    // Random trades (0–3 a minute, quiet minutes included) over 40 minutes, in calls at irregular times.
    const rng = Random.derive('strategy-test', 'signal-parity');
    const ticks: BarTick[] = [];
    let price = 3;
    for (let ms = NINE; ms < NINE + 40 * MINUTE; ms += rng.intBetween(5_000, 45_000)) {
      price = Math.max(0.01, Math.round((price + rng.intBetween(-3, 3) / 100) * 100) / 100);
      ticks.push({
        ymcode: '202601',
        side: 'CALL',
        code: CODE,
        ts: ms,
        c: price,
        ccnt: rng.intBetween(1, 5),
        oi: 0,
      });
    }
    const seen: FeatureRow[] = [];
    const recorder: Predictor = {
      name: 'recorder',
      predict: (features) => {
        seen.push({ ...features });
        return NaN;
      },
    };
    const strategy = new SignalStrategy({ predictor: recorder });
    const market = marketView(KRX);
    const account = accountView();
    let next = 0;
    for (let now = NINE; now <= NINE + 41 * MINUTE; now += rng.intBetween(1_000, 90_000)) {
      const batch = [];
      while (next < ticks.length && ticks[next]!.ts <= now) {
        const t = ticks[next++]!;
        batch.push(trade(t.ts, t.c, NaN, t.ccnt));
      }
      market.asOfMs = now;
      market.recentTrades = batch;
      strategy.decide(...asViews(market, account), now);
    }
    const offline = new Map(computeFeatures(buildMinuteBars(ticks).bars).map((row) => [row.bar_ts, row]));
    expect(seen.length).toBeGreaterThan(10);
    for (const row of seen) expect(row).toEqual(offline.get(row.bar_ts));
    // Decisions only at closes: strictly increasing bars.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bar_ts).toBeGreaterThan(seen[i - 1]!.bar_ts);
  });

  it('takes predictions from a series keyed by the end of the bar', () => {
    // +5 % predicted for bar 2 (as of its end, 09:03): BUY at its close; nothing else is predicted.
    const predictions = new Map([[NINE + 3 * MINUTE, 0.05]]);
    const predictor = new SeriesPredictor('fold-1', { at: (asofTs) => predictions.get(asofTs) });
    const strategy = new SignalStrategy({ predictor });
    const decisions = runMinutes(strategy, [1, 1, 1, 1, 1]);
    expect(decisions.map((d) => d.marketOrder)).toEqual([0, 0, 0, 1, 0]);
    expect(decisions[1]!.diagnostics!.prediction).toBeNaN();
  });

  it('is deterministic', () => {
    const prices = Array.from({ length: 60 }, (_, i) => Math.round((2 + Math.sin(i / 5) / 4) * 100) / 100);
    const run = () =>
      runMinutes(new SignalStrategy({ threshold: 0.02 }), prices, (_, d, account) => {
        account.position += d.marketOrder;
      });
    const first = run();
    expect(first.some((d) => d.marketOrder !== 0)).toBe(true);
    expect(run()).toEqual(first);
  });
});

describe('predictors', () => {
  const row = (values: Partial<FeatureRow>): FeatureRow =>
    ({
      f_ret_1: null,
      f_ret_5: null,
      f_vol_20: null,
      f_range_5: null,
      f_oi_chg_5: null,
      f_spread_proxy: null,
      f_iv_proxy: null,
      asof_ts: 0,
      ...values,
    }) as FeatureRow;

  it('adds up a linear model, and has no opinion while an input warms up', () => {
    // 0.001 − 1 · 0.02 + 2 · 0.03 = 0.041.
    const model = new LinearPredictor('lin', { f_ret_1: -1, f_ret_5: 2 }, 0.001);
    expect(model.predict(row({ f_ret_1: 0.02, f_ret_5: 0.03 }))).toBeCloseTo(0.041, 15);
    expect(model.predict(row({ f_ret_1: 0.02 }))).toBeNaN();
  });

  it('has a momentum baseline: the next five minutes repeat the last five', () => {
    expect(momentumBaseline().predict(row({ f_ret_5: -0.04 }))).toBe(-0.04);
  });
});

function constant(value: number): Predictor {
  return { name: `constant ${value}`, predict: () => value };
}
