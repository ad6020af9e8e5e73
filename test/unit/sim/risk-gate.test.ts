/**
 * The risk gate's modes as the engine applies them, and what the gate is told.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/core/sim/driver.ts';
import { NO_FEES } from '../../../src/core/market/fees.ts';
import { spotSpec } from '../../../src/core/market/instrument-specs.ts';
import { tradeThrough } from '../../../src/core/sim/trade-through.ts';
import type { Decision, Fill, RiskDecision, RiskGate, RiskInputs } from '../../../src/core/trading/types.ts';
import { LimitRiskGate } from '../../../src/core/risk/index.ts';
import { handEvents } from './events.ts';
import type { HandEvent } from './events.ts';
import { FixedSpreadQuoter, Recording, ScriptedStrategy } from './strategies.ts';

/** A gate with a rule by time that remembers everything it was asked and told. */
class TestGate implements RiskGate {
  readonly reviews: Array<{ inputs: RiskInputs; decision: Decision; answer: RiskDecision }> = [];
  readonly fills: Array<{ fill: Fill; realized: number }> = [];
  readonly sent: Array<{ count: number; nowMs: number }> = [];
  private readonly rule: (inputs: RiskInputs) => RiskDecision;

  constructor(rule: (inputs: RiskInputs) => RiskDecision) {
    this.rule = rule;
  }

  review(inputs: RiskInputs, decision: Decision): RiskDecision {
    const answer = this.rule(inputs);
    this.reviews.push({ inputs: { ...inputs }, decision: structuredClone(decision), answer });
    return answer;
  }

  onFill(fill: Fill, realizedPnlChange: number): void {
    this.fills.push({ fill, realized: realizedPnlChange });
  }

  onOrdersSent(count: number, nowMs: number): void {
    this.sent.push({ count, nowMs });
  }
}

const spec = spotSpec('X', 0.01, 1);
const cycle = [100, 99.9, 100, 100.1];
const oscillating: HandEvent[] = Array.from({ length: 20 }, (_, k) => ({
  t: 1000 * (k + 1),
  trade: cycle[k % cycle.length]!,
  size: 5,
}));

describe('risk gate', () => {
  it("'halt' cancels every quote and blocks new orders; the gate hears every fill and every order sent", () => {
    const gate = new TestGate((inputs) =>
      inputs.nowMs >= 10_000 ? { allow: false, reason: 'test halt', mode: 'halt' } : { allow: true },
    );
    const strategy = new Recording(new FixedSpreadQuoter({ halfSpreadTicks: 1, size: 1 }));
    const result = runBacktest(handEvents(oscillating), {
      instrument: () => spec,
      strategy: () => strategy,
      fees: NO_FEES,
      fillModel: tradeThrough(),
      riskGate: gate,
    });
    // Reviewed every decision; refused those from 10,000 on.
    expect(gate.reviews.length).toBe(result.stats.strategyCalls);
    expect(result.stats.riskHalts).toBe(gate.reviews.filter((r) => r.inputs.nowMs >= 10_000).length);
    expect(result.stats.riskHalts).toBe(11);
    // Before the halt the quoter traded; from the halt on nothing rests and nothing fills.
    expect(result.fills.length).toBeGreaterThan(4);
    expect(result.fills.every((f) => f.ts <= 10_000)).toBe(true);
    const after = strategy.records.filter((r) => r.nowMs > 10_000);
    expect(after.every((r) => r.openOrders.length === 0)).toBe(true);
    expect(gate.sent.every((s) => s.nowMs < 10_000)).toBe(true);
    // Told about everything.
    expect(gate.sent.reduce((sum, s) => sum + s.count, 0)).toBe(
      result.stats.ordersSent + result.stats.marketOrders,
    );
    expect(gate.fills.map((f) => f.fill)).toEqual(result.fills);
    expect(gate.fills.reduce((sum, f) => sum + f.realized, 0)).toBeCloseTo(result.totals.realizedPnl, 9);
    // Inputs: the position the strategy had, its notional at the observed mid, equity bookkeeping.
    for (const [k, review] of gate.reviews.entries()) {
      const record = strategy.records[k]!;
      expect(review.inputs.position).toBe(record.position);
      expect(review.inputs.positionNotional).toBeCloseTo(Math.abs(record.position) * record.mid, 9);
      expect(review.inputs.peakEquity).toBeGreaterThanOrEqual(review.inputs.equity);
      expect(review.inputs.dayStartEquity).toBe(gate.reviews[0]!.inputs.equity);
      expect(review.inputs.lastDataMs).toBe(record.asOfMs);
    }
  });

  it("'reduce-only' keeps only what shrinks |position|, capped at |position|", () => {
    const gate = new TestGate((inputs) =>
      inputs.nowMs >= 2000 ? { allow: false, reason: 'test reduce', mode: 'reduce-only' } : { allow: true },
    );
    const strategy = new ScriptedStrategy([
      { at: 1000, marketOrder: 3 }, // allowed: long 3 at 100 + 1 tick
      {
        at: 2000,
        quotes: [
          { side: 1, price: 99, quantity: 2 }, // adds: dropped
          { side: -1, price: 101, quantity: 5 }, // reduces: capped at 3
        ],
        marketOrder: 1, // adds: dropped
      },
      { at: 3000, marketOrder: -5 }, // reduces: capped at −3, flat
    ]);
    const result = runBacktest(
      handEvents([1000, 2000, 3000, 4000, 5000].map((t) => ({ t, trade: 100, size: 1 }))),
      { instrument: () => spec, strategy: () => strategy, fees: NO_FEES, riskGate: gate },
    );
    expect(result.fills.map((f) => [f.ts, f.side, f.price, f.quantity, f.liquidity])).toEqual([
      [1000, 1, 100.01, 3, 'taker'],
      [3000, -1, 99.99, 3, 'taker'],
    ]);
    const open = (t: number) => strategy.records.find((r) => r.nowMs === t)!.openOrders;
    expect(open(3000)).toEqual([[-1, 101, 3]]); // the ask as capped at 2000
    expect(open(5000)).toEqual([]); // flat at 4000: reduce-only keeps nothing
    expect(result.stats.riskReduceOnly).toBe(4);
    expect(result.instruments[0]!.position).toBe(0);
    expect(gate.sent).toEqual([
      { count: 1, nowMs: 1000 },
      { count: 1, nowMs: 2000 },
      { count: 1, nowMs: 3000 },
    ]);
  });
});

describe('risk gate over several trading days', () => {
  it('a loss that trips the daily loss and drawdown limits on day 1 does not stop day 2', () => {
    const day1 = Date.UTC(2026, 0, 5, 1, 0, 0);
    const day2 = day1 + 86_400_000;
    const strategy = new ScriptedStrategy([
      { at: day1 + 1000, marketOrder: 1 }, // long 1 at 100.01
      { at: day1 + 3000, marketOrder: 1 }, // after the crash: adds, refused (reduce-only)
      { at: day2 + 1000, marketOrder: 1 }, // a new day: the daily limits start afresh, allowed
    ]);
    const gate = new LimitRiskGate({
      maxDailyLoss: 20,
      maxDrawdownFraction: Infinity,
      maxDrawdownAmount: 10,
      maxDataAgeMs: Infinity,
    });
    const result = runBacktest(
      handEvents([
        { t: day1 + 1000, trade: 100, size: 1 },
        { t: day1 + 2000, trade: 50, size: 1 }, // −50: past both limits
        { t: day1 + 3000, trade: 50, size: 1 },
        { t: day2 + 1000, trade: 50, size: 1 },
        { t: day2 + 2000, trade: 50, size: 1 },
      ]),
      { instrument: () => spec, strategy: () => strategy, fees: NO_FEES, riskGate: gate },
    );
    expect(result.fills.map((f) => [f.ts, f.side, f.quantity])).toEqual([
      [day1 + 1000, 1, 1],
      [day2 + 1000, 1, 1],
    ]);
    const timeline = gate.timeline();
    expect(timeline.days.map((d) => [d.tradingDay, d.reduceOnly])).toEqual([
      ['2026-01-05', 2],
      ['2026-01-06', 0],
    ]);
    expect(timeline.days[0]!.first).toMatchObject({ ms: day1 + 2000, mode: 'reduce-only' });
    expect(timeline.days[0]!.first!.reason).toMatch(
      /^daily loss 50\.01 exceeds the 20\.00 limit; drawdown 50\.01/,
    );
    expect(timeline.episodes.map((e) => [e.limit, e.startMs, e.endMs])).toEqual([
      ['daily-loss', day1 + 2000, day2 + 1000],
      ['drawdown', day1 + 2000, day2 + 1000],
    ]);
  });
});
