/**
 * Market and account views for strategy tests. Like the engine, a test reuses one mutable view object
 * across decisions, so a strategy that kept a reference to it would see it change.
 */
import type {
  AccountView,
  InstrumentSpec,
  MarketView,
  ObservedTrade,
} from '../../../src/core/trading/types.ts';

export interface MutableMarket {
  instrument: InstrumentSpec;
  asOfMs: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  mid: number;
  lastTradePrice: number;
  lastTradeMs: number;
  imbalance: number;
  bidDepth: number;
  askDepth: number;
  recentTrades: ObservedTrade[];
  regime?: string;
}

export interface MutableAccount {
  position: number;
  cash: number;
  equity: number;
  realizedPnl: number;
  feesPaid: number;
  openOrders: AccountView['openOrders'];
}

/** A trade-only view (no book: bid/ask NaN, mid = last trade), as on KRX ticks, until fields are set. */
export function marketView(instrument: InstrumentSpec, fields: Partial<MutableMarket> = {}): MutableMarket {
  const view: MutableMarket = {
    instrument,
    asOfMs: 0,
    bid: NaN,
    ask: NaN,
    bidSize: NaN,
    askSize: NaN,
    mid: NaN,
    lastTradePrice: NaN,
    lastTradeMs: NaN,
    imbalance: 0,
    bidDepth: NaN,
    askDepth: NaN,
    recentTrades: [],
    regime: undefined,
  };
  return Object.assign(view, fields);
}

export function accountView(position = 0): MutableAccount {
  return { position, cash: 0, equity: 0, realizedPnl: 0, feesPaid: 0, openOrders: [] };
}

/** A 24/7 instrument on a constant 0.01 grid, multiplier 1, lot 1 (simple numbers for hand computation). */
export const CENT_SPEC: InstrumentSpec = {
  name: 'TEST',
  multiplier: 1,
  tickSize: () => 0.01,
  lotSize: 1,
};

/** A trade observed by the strategy. */
export function trade(ts: number, price: number, midBefore = NaN, size = 1): ObservedTrade {
  return { ts, price, size, aggressor: 0, midBefore };
}

/** Narrowing for the views the strategies read (the mutable fixtures satisfy the readonly contracts). */
export function asViews(market: MutableMarket, account: MutableAccount): [MarketView, AccountView] {
  return [market, account];
}
