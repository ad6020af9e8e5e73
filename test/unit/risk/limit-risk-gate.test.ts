import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS, LimitRiskGate, resolveRiskLimits } from '../../../src/core/risk/index.ts';
import type { Decision, Fill, RiskInputs } from '../../../src/core/trading/types.ts';

const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);

function inputs(overrides: Partial<RiskInputs> = {}): RiskInputs {
  return {
    nowMs: T0,
    instrument: 'BTCUSDT',
    position: 0,
    positionNotional: 0,
    equity: 10_000,
    tradingDay: '2026-01-05',
    dayStartEquity: 10_000,
    peakEquity: 10_000,
    lastDataMs: T0,
    ...overrides,
  };
}

function quotes(bid: number, ask: number, marketOrder = 0): Decision {
  const list: Decision['quotes'] = [];
  if (bid > 0) list.push({ side: 1, price: 99, quantity: bid });
  if (ask > 0) list.push({ side: -1, price: 101, quantity: ask });
  return { quotes: list, marketOrder };
}

const BOTH_SIDES = quotes(1, 1);

function fill(ts: number, fee = 0): Fill {
  return { ts, instrument: 'BTCUSDT', orderId: 1, side: 1, price: 100, quantity: 1, liquidity: 'maker', fee };
}

describe('LimitRiskGate defaults', () => {
  it("uses Seed B's limits where Seed B has them and allows an ordinary two-sided quote", () => {
    expect(DEFAULT_RISK_LIMITS).toMatchObject({
      maxPositionNotional: 5_000,
      maxDailyLoss: 50,
      maxDrawdownFraction: 0.05,
    });
    const gate = new LimitRiskGate();
    expect(gate.review(inputs(), BOTH_SIDES)).toEqual({ allow: true });
    const report = gate.explain(inputs(), BOTH_SIDES);
    expect(report.checks.map((check) => check.name)).toEqual([
      'inputs',
      'stale-data',
      'order-rate',
      'daily-loss',
      'drawdown',
      'loss-streak',
      'position-notional',
      'position-quantity',
    ]);
    expect(report.checks.every((check) => !check.breached)).toBe(true);
    expect(report.checks.find((check) => check.name === 'daily-loss')).toEqual({
      name: 'daily-loss',
      mode: 'reduce-only',
      breached: false,
      message: 'daily loss 0.00 within the 50.00 limit',
    });
  });

  it('refuses invalid limits and treats Infinity as "no limit"', () => {
    expect(() => resolveRiskLimits({ maxDailyLoss: -1 })).toThrow(RangeError);
    expect(() => resolveRiskLimits({ maxOrdersPerWindow: Number.NaN })).toThrow(RangeError);
    expect(() => resolveRiskLimits({ orderRateWindowMs: 0 })).toThrow(RangeError);
    const gate = new LimitRiskGate({ maxPositionNotional: Infinity });
    expect(gate.review(inputs({ position: 1_000, positionNotional: 1e9 }), BOTH_SIDES)).toEqual({
      allow: true,
    });
  });
});

describe('daily loss (reduce-only, latched for the day)', () => {
  it('allows a loss at the limit and goes reduce-only past it', () => {
    const gate = new LimitRiskGate();
    // 10,000 − 9,950 = 50.00: at the limit, still allowed.
    expect(gate.review(inputs({ equity: 9_950 }), BOTH_SIDES)).toEqual({ allow: true });
    // 10,000 − 9,948.80 = 51.20 > 50.
    expect(gate.review(inputs({ equity: 9_948.8 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'daily loss 51.20 exceeds the 50.00 limit',
    });
  });

  it('stays reduce-only for the rest of the day when the marks recover, and clears on a new day', () => {
    const gate = new LimitRiskGate();
    gate.review(inputs({ nowMs: T0, equity: 9_940 }), BOTH_SIDES); // loss 60.00 → latched
    const recovered = gate.review(
      inputs({ nowMs: T0 + 60_000, lastDataMs: T0 + 60_000, equity: 9_990 }),
      BOTH_SIDES,
    );
    expect(recovered).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason:
        'daily loss 60.00 passed the 50.00 limit at 2026-01-05T01:00:00.000Z (now 10.00); reduce-only until the next trading day',
    });
    expect(gate.state(T0 + 60_000).dailyLossLatch).toEqual({
      tradingDay: '2026-01-05',
      dayStartEquity: 10_000,
      loss: 60,
      sinceMs: T0,
    });
    // The engine's next day starts from 9,990: a new trading day clears the latch.
    const nextDay = T0 + 86_400_000;
    expect(
      gate.review(
        inputs({
          nowMs: nextDay,
          lastDataMs: nextDay,
          tradingDay: '2026-01-06',
          equity: 9_990,
          dayStartEquity: 9_990,
        }),
        BOTH_SIDES,
      ),
    ).toEqual({ allow: true });
    expect(gate.state(nextDay).dailyLossLatch).toBeNull();
  });

  it('clears the latch on a new trading day even when that day starts at the same equity as the last', () => {
    const gate = new LimitRiskGate();
    gate.review(inputs({ nowMs: T0, equity: 9_940 }), BOTH_SIDES); // loss 60.00 → latched
    // The marks came back to 10,000 by the close, so the next day starts where this one did.
    const nextDay = T0 + 86_400_000;
    const next = inputs({ nowMs: nextDay, lastDataMs: nextDay, tradingDay: '2026-01-06' });
    expect(gate.review(next, BOTH_SIDES)).toEqual({ allow: true });
  });

  it('keeps a timeline: per day what it refused and why, and the account-wide limits’ episodes', () => {
    const gate = new LimitRiskGate();
    gate.review(inputs({ nowMs: T0 }), BOTH_SIDES);
    gate.review(inputs({ nowMs: T0 + 1_000, lastDataMs: T0 + 1_000, equity: 9_940 }), BOTH_SIDES);
    gate.review(inputs({ nowMs: T0 + 2_000, lastDataMs: T0 + 2_000, equity: 9_990 }), BOTH_SIDES);
    const nextDay = T0 + 86_400_000;
    gate.review(
      inputs({
        nowMs: nextDay,
        lastDataMs: nextDay,
        tradingDay: '2026-01-06',
        equity: 9_990,
        dayStartEquity: 9_990,
      }),
      BOTH_SIDES,
    );
    const timeline = gate.timeline();
    expect(timeline.days).toEqual([
      {
        tradingDay: '2026-01-05',
        reviews: 3,
        halted: 0,
        reduceOnly: 2,
        first: {
          ms: T0 + 1_000,
          instrument: 'BTCUSDT',
          mode: 'reduce-only',
          reason: 'daily loss 60.00 exceeds the 50.00 limit',
        },
        byLimit: { 'daily-loss': 2 },
      },
      { tradingDay: '2026-01-06', reviews: 1, halted: 0, reduceOnly: 0, first: null, byLimit: {} },
    ]);
    expect(timeline.episodes).toEqual([
      {
        limit: 'daily-loss',
        mode: 'reduce-only',
        tradingDay: '2026-01-05',
        startMs: T0 + 1_000,
        endMs: nextDay,
        reason: 'daily loss 60.00 exceeds the 50.00 limit',
      },
    ]);
    expect(timeline.omittedEpisodes).toBe(0);
  });

  it('explain() reports the breach without latching it', () => {
    const gate = new LimitRiskGate();
    const report = gate.explain(inputs({ equity: 9_900 }), BOTH_SIDES);
    expect(report.decision).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'daily loss 100.00 exceeds the 50.00 limit',
    });
    expect(report.state.dailyLossLatch).toBeNull();
    // Nothing latched, so a recovered equity is allowed.
    expect(gate.review(inputs({ equity: 9_990 }), BOTH_SIDES)).toEqual({ allow: true });
  });
});

describe('drawdown from peak (reduce-only)', () => {
  it('allows exactly 5 % and goes reduce-only past it', () => {
    const gate = new LimitRiskGate({ maxDailyLoss: Infinity });
    // (10,000 − 9,500) / 10,000 = 5.00 %: at the limit.
    expect(gate.review(inputs({ equity: 9_500 }), BOTH_SIDES)).toEqual({ allow: true });
    // (10,000 − 9,499) / 10,000 = 5.01 %.
    expect(gate.review(inputs({ equity: 9_499 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'drawdown 5.01 % from peak equity 10000.00 exceeds the 5.00 % limit',
    });
    // Not latched: equity back within 5 % of the peak is allowed again.
    expect(gate.review(inputs({ equity: 9_600 }), BOTH_SIDES)).toEqual({ allow: true });
  });

  it('refuses when the peak is not positive, since a percentage of it means nothing', () => {
    const gate = new LimitRiskGate();
    expect(gate.review(inputs({ equity: 0, dayStartEquity: 0, peakEquity: 0 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason:
        'drawdown limit of 5.00 % needs a positive peak equity, got 0.00 ' +
        '(start the account with capital, or use maxDrawdownAmount)',
    });
  });

  it('limits the drawdown in currency when equity is PnL', () => {
    const gate = new LimitRiskGate({
      maxDrawdownFraction: Infinity,
      maxDrawdownAmount: 30,
      maxDailyLoss: Infinity,
    });
    // PnL peaked at 20; now −10: a 30.00 drawdown is at the limit.
    expect(gate.review(inputs({ equity: -10, dayStartEquity: 0, peakEquity: 20 }), BOTH_SIDES)).toEqual({
      allow: true,
    });
    // now −10.5: 30.50 > 30.
    expect(gate.review(inputs({ equity: -10.5, dayStartEquity: 0, peakEquity: 20 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'drawdown 30.50 from peak equity 20.00 exceeds the 30.00 limit',
    });
  });
});

describe('position limits (reduce-only)', () => {
  it('notional: under the limit is allowed; at or over it only reductions are', () => {
    const gate = new LimitRiskGate();
    expect(gate.review(inputs({ position: 0.05, positionNotional: 4_999.99 }), BOTH_SIDES)).toEqual({
      allow: true,
    });
    expect(gate.review(inputs({ position: 0.05, positionNotional: 5_000 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'position notional 5000.00 is at or over the 5000.00 limit',
    });
    expect(gate.review(inputs({ position: -0.06, positionNotional: 6_000 }), BOTH_SIDES)).toMatchObject({
      allow: false,
      mode: 'reduce-only',
    });
  });

  it('quantity: the worst case of the decision (market order, then one whole side) must not pass the limit', () => {
    const gate = new LimitRiskGate({ maxPositionQuantity: 3 });
    // 2 + 1 bid = 3: at the limit.
    expect(gate.review(inputs({ position: 2 }), quotes(1, 1))).toEqual({ allow: true });
    // 2 + 2 bids = 4 > 3.
    expect(gate.review(inputs({ position: 2 }), quotes(2, 1))).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'position 2, market order 0, bids 2, asks 1: worst case 4 exceeds the 3 limit',
    });
    // Short side: −2 − 2 asks = −4.
    expect(gate.review(inputs({ position: -2 }), quotes(1, 2))).toMatchObject({
      allow: false,
      mode: 'reduce-only',
    });
    // Market order 3 then a 1-lot bid: 0 + 3 + 1 = 4.
    expect(gate.review(inputs({ position: 0 }), quotes(1, 0, 3))).toMatchObject({
      allow: false,
      mode: 'reduce-only',
    });
    // At the limit with only a reducing quote: 3 − 1 ask → extremes 3 and 2, nothing passes 3.
    expect(gate.review(inputs({ position: 3 }), quotes(0, 1))).toEqual({ allow: true });
  });

  it('quantity: lot sums that are at the limit on paper are not a float hair over it', () => {
    const gate = new LimitRiskGate({ maxPositionQuantity: 0.3 });
    // 0.1 + 0.2 = 0.30000000000000004 in float64; within the 1e-9 relative tolerance.
    expect(gate.review(inputs({ position: 0.1 }), quotes(0.2, 0.1))).toEqual({ allow: true });
    expect(gate.review(inputs({ position: 0.1 }), quotes(0.20001, 0.1))).toMatchObject({ allow: false });
    // explain() without a decision checks the position alone.
    expect(gate.explain(inputs({ position: 0.35 })).decision).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: 'position 0.35, market order 0, bids 0, asks 0: worst case 0.35 exceeds the 0.3 limit',
    });
  });
});

describe('stale data (halt until fresh data)', () => {
  it('allows data exactly the limit old, halts when older, and recovers when data resumes', () => {
    const gate = new LimitRiskGate(); // 10 s
    expect(gate.review(inputs({ nowMs: T0 + 10_000, lastDataMs: T0 }), BOTH_SIDES)).toEqual({ allow: true });
    expect(gate.review(inputs({ nowMs: T0 + 12_500, lastDataMs: T0 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'halt',
      reason: 'no market data for 12.50 s, over the 10.00 s limit',
    });
    expect(gate.review(inputs({ nowMs: T0 + 13_000, lastDataMs: T0 + 12_900 }), BOTH_SIDES)).toEqual({
      allow: true,
    });
  });

  it('halts before any market data has been seen', () => {
    const gate = new LimitRiskGate();
    expect(gate.review(inputs({ lastDataMs: Number.NaN }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'halt',
      reason: 'no market data observed yet',
    });
  });
});

describe('order rate (halt while the rolling window is full)', () => {
  it('halts once the window holds the maximum and resumes as orders roll out', () => {
    const gate = new LimitRiskGate({ maxOrdersPerWindow: 3, orderRateWindowMs: 1_000 });
    gate.onOrdersSent(2, T0);
    expect(gate.review(inputs({ nowMs: T0 + 100 }), BOTH_SIDES)).toEqual({ allow: true }); // 2 < 3
    gate.onOrdersSent(1, T0 + 400);
    // 3 orders in (T0 − 500, T0 + 500]: the next would be the 4th. The batch at T0 drops out at T0 + 1,000.
    expect(gate.review(inputs({ nowMs: T0 + 500 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'halt',
      reason: '3 orders sent in the last 1.00 s, at or over the limit of 3; the oldest drops out in 0.50 s',
    });
    expect(gate.review(inputs({ nowMs: T0 + 999 }), BOTH_SIDES)).toMatchObject({
      allow: false,
      mode: 'halt',
    });
    // At T0 + 1,000 the first batch is exactly 1 s old and no longer counts: 1 order left.
    expect(gate.review(inputs({ nowMs: T0 + 1_000 }), BOTH_SIDES)).toEqual({ allow: true });
    expect(gate.state(T0 + 1_000)).toMatchObject({ ordersInWindow: 1, orderWindowFreesAtMs: T0 + 1_400 });
    expect(gate.state(T0 + 1_400)).toMatchObject({ ordersInWindow: 0, orderWindowFreesAtMs: null });
  });

  it('rejects a count that is not a whole number of orders', () => {
    const gate = new LimitRiskGate();
    expect(() => gate.onOrdersSent(1.5, T0)).toThrow(RangeError);
    expect(() => gate.onOrdersSent(-1, T0)).toThrow(RangeError);
  });
});

describe('losing streak (reduce-only for a cool-down)', () => {
  it('counts losing closes net of fees, ignores opening fills, and a winning close breaks the streak', () => {
    const gate = new LimitRiskGate({ maxConsecutiveLosses: 2, lossStreakCooldownMs: 60_000 });
    gate.onFill(fill(T0), 0); // opens: neutral
    gate.onFill(fill(T0 + 1), -1); // −1 − 0 < 0: streak 1
    gate.onFill(fill(T0 + 2), 0); // adds: neutral
    gate.onFill(fill(T0 + 3, 1), 0.5); // 0.5 − 1 fee = −0.5 < 0: streak 2
    expect(gate.state(T0 + 3).lossStreak).toBe(2);
    expect(gate.review(inputs({ nowMs: T0 + 3 }), BOTH_SIDES)).toEqual({ allow: true }); // 2 = the limit
    gate.onFill(fill(T0 + 4, -0.2), -0.1); // −0.1 + 0.2 rebate = +0.1: a winner
    expect(gate.state(T0 + 4).lossStreak).toBe(0);
  });

  it('goes reduce-only on the loss that passes the limit and forgets the streak after the cool-down', () => {
    const gate = new LimitRiskGate({ maxConsecutiveLosses: 2, lossStreakCooldownMs: 60_000 });
    gate.onFill(fill(T0), -1);
    gate.onFill(fill(T0 + 1_000), -1);
    gate.onFill(fill(T0 + 2_000), -1); // streak 3 > 2: breach from T0 + 2,000 to T0 + 62,000
    expect(gate.review(inputs({ nowMs: T0 + 2_000, lastDataMs: T0 + 2_000 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'reduce-only',
      reason: '3 consecutive losing closes, over the limit of 2; cool-down ends in 60.00 s',
    });
    gate.onFill(fill(T0 + 30_000), -1); // a loss while unwinding does not extend the cool-down
    const late = T0 + 61_999;
    expect(gate.review(inputs({ nowMs: late, lastDataMs: late }), BOTH_SIDES)).toMatchObject({
      allow: false,
    });
    const over = T0 + 62_000;
    expect(gate.review(inputs({ nowMs: over, lastDataMs: over }), BOTH_SIDES)).toEqual({ allow: true });
    expect(gate.state(over)).toMatchObject({ lossStreak: 0, lossStreakCooldownEndsMs: null });
    gate.onFill(fill(over + 1), -1); // a fresh streak starts at 1
    expect(gate.state(over + 1).lossStreak).toBe(1);
  });
});

describe('several limits at once', () => {
  it('answers with the strictest mode and lists every breach, halts first', () => {
    const gate = new LimitRiskGate();
    expect(gate.review(inputs({ nowMs: T0 + 12_500, equity: 9_948.8 }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'halt',
      reason: 'no market data for 12.50 s, over the 10.00 s limit; daily loss 51.20 exceeds the 50.00 limit',
    });
  });

  it('fails closed on inputs that are not numbers', () => {
    const gate = new LimitRiskGate();
    expect(gate.review(inputs({ equity: Number.NaN }), BOTH_SIDES)).toEqual({
      allow: false,
      mode: 'halt',
      reason: 'cannot assess risk: equity is NaN',
    });
  });

  it('is deterministic: the same sequence gives the same answers, reasons and state', () => {
    function run(): string {
      const gate = new LimitRiskGate({
        maxOrdersPerWindow: 4,
        orderRateWindowMs: 2_000,
        maxConsecutiveLosses: 1,
      });
      const log: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        const nowMs = T0 + i * 700;
        const equity = 10_000 - 3 * i + (i % 5) * 4;
        gate.onOrdersSent(i % 3, nowMs);
        if (i % 4 === 0) gate.onFill(fill(nowMs, 0.1), i % 8 === 0 ? -0.5 : 0.4);
        const probe = inputs({
          nowMs,
          equity,
          lastDataMs: nowMs - (i % 7) * 2_000,
          position: i % 4,
          positionNotional: 1_300 * (i % 4),
        });
        log.push(gate.review(probe, quotes(1, 1)), gate.explain(probe, quotes(1, 1)));
      }
      return JSON.stringify(log);
    }
    const first = run();
    expect(run()).toBe(first);
    expect(first).toContain('"mode":"halt"'); // the sequence exercises refusals, not only allows
    expect(first).toContain('"mode":"reduce-only"');
  });
});
