/**
 * Everything the engine keeps for one instrument of the event table: its market state (exchange side and,
 * with feed latency, the strategy's delayed copy), its strategy and the view/account handed to it, our
 * orders (those the strategy still wants — `working` —, those resting at the exchange — `live` — and those
 * our side knows to rest there — `known`), the exchange-side account and the one the strategy sees, and
 * per-instrument counters.
 */
import { Account } from './account.ts';
import type { FeeSchedule } from '../market/fees.ts';
import { MarketState } from './market-state.ts';
import { LiveOrders } from './orders.ts';
import type { SimOrder } from './orders.ts';
import type { InstrumentSpec, Strategy } from '../trading/types.ts';
import { MutableMarketView, ObservedTrades } from './views.ts';
import { SecondVolatility } from './volatility.ts';

export class InstrumentRuntime {
  readonly id: number;
  readonly name: string;
  readonly spec: InstrumentSpec;
  readonly strategy: Strategy | undefined;
  readonly traded: boolean;
  readonly fees: FeeSchedule;
  readonly exchange = new MarketState();
  /** The strategy's view of the market: `exchange` itself when there is no feed latency. */
  readonly observed: MarketState;
  readonly view: MutableMarketView;
  readonly trades = new ObservedTrades();
  /** The exchange-side account: every execution booked when it happens (results, snapshots). */
  readonly account: Account;
  /** The account the strategy and the risk gate see: `account` itself without response latency. */
  readonly local: Account;
  readonly live = new LiveOrders();
  /** The orders our side knows to rest at the exchange: `live` itself without response latency. */
  readonly known: LiveOrders;
  /** Orders sent and not cancelled (pending, live or — until the next decision drops them — done). */
  working: SimOrder[] = [];
  /** Wake on every observed event (refresh.onEvents true). */
  readonly wakeOnEvents: boolean;
  /** Wake when the observed touch changes or an order fills (refresh.onEvents 'touch'). */
  readonly wakeOnTouch: boolean;
  /** This instrument's equity as last added to the engine's portfolio sums (exchange-side and observed marks). */
  markedExchange = 0;
  markedObserved = 0;
  /** A position is open in either account (its equity moves with the mid: see AccountBook.remark). */
  holding = false;
  private touchBid = NaN;
  private touchAsk = NaN;
  private touchMid = NaN;
  /** Timer wake-up interval, 0 for none. */
  readonly intervalMs: number;
  /** The strategy's own wake-up schedule (refresh.nextWakeMs), or undefined. */
  readonly nextWake: ((afterMs: number) => number) | undefined;
  /** A wake-up from `nextWake` is queued (when not, the next observed event arms one). */
  scheduled = false;
  readonly volatility: SecondVolatility;
  /** The strategy's own latest `diagnostics.volatility` (NaN until it gives one). */
  strategyVolatility = NaN;
  /** Queued for a decision at the current wake-up time. */
  dirty = false;
  /** Observed at least one event (timers start then). */
  seen = false;
  /** Arrival time at the exchange of the last order message (the order channel is FIFO). */
  lastArrivalMs = -Infinity;
  /** Arrival time on our side of the exchange's last response (the response channel is FIFO too). */
  lastResponseMs = -Infinity;
  /** `live` changed membership since the account's openOrders were last rebuilt. */
  ordersChanged = false;
  /** A live order was completely filled and must be dropped from `live`. */
  needsCompact = false;
  fills = 0;
  makerFills = 0;
  takerFills = 0;
  boughtQuantity = 0;
  soldQuantity = 0;

  constructor(
    id: number,
    spec: InstrumentSpec,
    strategy: Strategy | undefined,
    fees: FeeSchedule,
    sharedMarket: boolean,
    instantResponses: boolean,
    initialCash: number,
    volatilityHalfLifeSeconds: number,
  ) {
    this.id = id;
    this.name = spec.name;
    this.spec = spec;
    this.strategy = strategy;
    this.traded = strategy !== undefined;
    this.fees = fees;
    this.observed = sharedMarket ? this.exchange : new MarketState();
    this.view = new MutableMarketView(spec);
    this.view.recentTrades = this.trades.list;
    this.account = new Account(initialCash, spec.multiplier, spec.lotSize);
    this.local = instantResponses ? this.account : new Account(initialCash, spec.multiplier, spec.lotSize);
    this.known = instantResponses ? this.live : new LiveOrders();
    this.wakeOnEvents = strategy?.refresh.onEvents === true;
    this.wakeOnTouch = strategy?.refresh.onEvents === 'touch';
    const interval = strategy?.refresh.intervalMs ?? 0;
    this.nextWake = strategy?.refresh.nextWakeMs;
    this.intervalMs = this.nextWake === undefined && interval > 0 && Number.isFinite(interval) ? interval : 0;
    this.volatility = new SecondVolatility(volatilityHalfLifeSeconds);
  }

  /**
   * Whether the observed best bid, best ask or mid moved since the last call (NaN = NaN). The mid is the
   * last trade price only while a side of the book is unknown (trade-only data): on a book, trades at an
   * unchanged touch do not count.
   */
  touchChanged(): boolean {
    const market = this.observed;
    const bid = market.bestBid();
    const ask = market.bestAsk();
    const mid = market.mid();
    if (same(bid, this.touchBid) && same(ask, this.touchAsk) && same(mid, this.touchMid)) return false;
    this.touchBid = bid;
    this.touchAsk = ask;
    this.touchMid = mid;
    return true;
  }

  /** The volatility the trade log and snapshots record: the strategy's if it gives one, else the engine's. */
  recordedVolatility(): number {
    const own = this.strategyVolatility;
    return own === own ? own : this.volatility.sigma;
  }

  /** Exchange-side equity marked at `mark` (the average entry price when the mark is unknown). */
  equityAt(mark: number): number {
    return equityOf(this.account, mark, this.spec.multiplier);
  }

  /** The strategy-side account's equity marked at `mark`. */
  localEquityAt(mark: number): number {
    return equityOf(this.local, mark, this.spec.multiplier);
  }
}

function equityOf(account: Account, mark: number, multiplier: number): number {
  if (account.position === 0) return account.cash;
  const price = mark === mark ? mark : account.averagePrice;
  return account.cash + account.position * price * multiplier;
}

function same(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}
