/**
 * Small strategies for the engine tests (real strategies live in src/core/strategy).
 */
import { canonicalPrice } from '../../../src/core/sim/orders.ts';
import type {
  AccountView,
  Decision,
  MarketView,
  QuoteIntent,
  Strategy,
} from '../../../src/core/trading/types.ts';

export { FixedSpreadQuoter } from '../../../src/core/strategy/fixed-spread.ts';

/** What a strategy saw and answered at one wake-up. */
export interface DecisionRecord {
  nowMs: number;
  asOfMs: number;
  mid: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  lastTradePrice: number;
  imbalance: number;
  bidDepth: number;
  askDepth: number;
  trades: Array<[number, number, number, number]>;
  position: number;
  openOrders: Array<[number, number, number]>;
  regime: string | undefined;
  decision: Decision;
}

export function recordOf(
  market: MarketView,
  account: AccountView,
  nowMs: number,
  decision: Decision,
): DecisionRecord {
  return {
    nowMs,
    asOfMs: market.asOfMs,
    mid: market.mid,
    bid: market.bid,
    ask: market.ask,
    bidSize: market.bidSize,
    askSize: market.askSize,
    lastTradePrice: market.lastTradePrice,
    imbalance: market.imbalance,
    bidDepth: market.bidDepth,
    askDepth: market.askDepth,
    trades: market.recentTrades.map((t) => [t.ts, t.price, t.size, t.midBefore]),
    position: account.position,
    openOrders: account.openOrders.map((o) => [o.side, o.price, o.quantity]),
    regime: market.regime,
    decision: structuredClone(decision),
  };
}

/** Wraps a strategy and records every call. */
export class Recording implements Strategy {
  readonly name: string;
  readonly refresh: Strategy['refresh'];
  readonly records: DecisionRecord[] = [];
  private readonly inner: Strategy;

  constructor(inner: Strategy) {
    this.inner = inner;
    this.name = `recording(${inner.name})`;
    this.refresh = inner.refresh;
  }

  decide(market: MarketView, account: AccountView, nowMs: number): Decision {
    const decision = this.inner.decide(market, account, nowMs);
    this.records.push(recordOf(market, account, nowMs, decision));
    return decision;
  }
}

export interface ScriptStep {
  at: number;
  /** Replaces the wanted quotes. */
  quotes?: QuoteIntent[];
  /** Sent once, at the first call at or after `at`. */
  marketOrder?: number;
}

/**
 * Follows a script: at each call, the steps due (at ≤ now) take effect. Each scripted quote is placed once:
 * once its order must have reached the exchange (sent + `orderLatencyMs`, the run's constant latency) and
 * it is no longer resting (filled, or rejected), the quote is dropped instead of being sent again — which
 * is what hand-computed fill tests need. Records every call.
 */
export class ScriptedStrategy implements Strategy {
  readonly name = 'scripted';
  readonly refresh: Strategy['refresh'];
  readonly records: DecisionRecord[] = [];
  private readonly steps: readonly ScriptStep[];
  private readonly orderLatencyMs: number;
  private next = 0;
  private wanted: Array<{ quote: QuoteIntent; sentMs: number }> = [];

  constructor(
    steps: readonly ScriptStep[],
    options: { refresh?: Strategy['refresh']; orderLatencyMs?: number } = {},
  ) {
    this.steps = steps;
    this.refresh = options.refresh ?? { onEvents: true };
    this.orderLatencyMs = options.orderLatencyMs ?? 0;
  }

  decide(market: MarketView, account: AccountView, nowMs: number): Decision {
    let marketOrder = 0;
    while (this.next < this.steps.length && this.steps[this.next]!.at <= nowMs) {
      const step = this.steps[this.next++]!;
      if (step.quotes !== undefined) this.wanted = step.quotes.map((quote) => ({ quote, sentMs: NaN }));
      marketOrder += step.marketOrder ?? 0;
    }
    this.wanted = this.wanted.filter((w) => {
      if (!(nowMs >= w.sentMs + this.orderLatencyMs)) return true; // not sent yet, or still in flight
      return account.openOrders.some(
        (o) => o.side === w.quote.side && canonicalPrice(o.price) === canonicalPrice(w.quote.price),
      );
    });
    for (const w of this.wanted) if (Number.isNaN(w.sentMs)) w.sentMs = nowMs;
    const decision: Decision = { quotes: this.wanted.map((w) => w.quote), marketOrder };
    this.records.push(recordOf(market, account, nowMs, decision));
    return decision;
  }
}
