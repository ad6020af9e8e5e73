/**
 * The metrics of one run, computed from its trade log and 1 s snapshots (one instrument), its initial
 * capital and the number of orders it sent. Every statistic that depends on a convention carries the
 * convention in words next to the number (`method` fields), so a report cannot show a Sharpe ratio
 * without saying how it was annualised.
 *
 * Choices:
 * - Equity is the capital curve: initial capital + (snapshot equity − `equityAtStart`), where
 *   equityAtStart is what the snapshots' mark-to-mid equity was before any trade (the engine's
 *   initialCash: 0 by default, which makes snapshot equity the PnL). So the same run can be measured
 *   against any capital. Total PnL = last capital-curve value − initial capital.
 * - Market time: `inSession` says which snapshots are market time (default: all, right for 24/7 markets;
 *   `krxRegularSession` for KRX, since the engine writes a snapshot every second, nights and weekends
 *   included). Daily PnL, the return series, inventory statistics and the average equity use market-time
 *   snapshots only; equity moves outside sessions land in the next session's first return. Total PnL,
 *   drawdowns and PnL per regime use every snapshot.
 * - Days are KST calendar dates by default (`kstDateOf`: the KRX session 08:45–15:45 KST never crosses KST
 *   midnight, while it does cross UTC midnight); pass `dayOf` for another boundary (e.g. `utcDateOf` for
 *   crypto). A day's PnL is its close equity (last market-time snapshot) minus the previous day's close
 *   (the initial capital for the first day).
 * - Sharpe and Sortino come from one return series: daily returns when the run spans at least
 *   `minDaysForDailyReturns` (20) days, else per-minute equity returns (closes of each UTC minute), unless
 *   `returnBasis` forces 'daily', 'minute' or 'second'. Annualisation multiplies by √(periods per year):
 *   252 trading days, 252 × 420 minutes or 252 × 25,200 seconds (KRX's 7-hour session; set
 *   `sessionSecondsPerDay` to 86,400 and `tradingDaysPerYear` to 365 for 24/7 crypto). Risk-free rate 0.
 *   Intraday returns include the overnight move in the first return of each session (no PnL is dropped).
 * - CVaR is historical expected shortfall at 95 % of that same series (see stats.ts), per period, as a
 *   positive fraction of equity.
 * - Time-weighted inventory statistics average over market-time snapshots: one a second, so each stands
 *   for one second of market time.
 */
import { kstDateOf } from '../market/kst.ts';
import type { RegimeSeries, SnapshotRecord, TradeLogEntry } from '../trading/types.ts';
import type { Drawdown } from './equity.ts';
import { maxDrawdown, periodCloses, simpleReturns } from './equity.ts';
import type { RegimePnl } from './regime-stats.ts';
import { pnlByRegime } from './regime-stats.ts';
import { downsideDeviation, expectedShortfall, mean, sampleStd } from './stats.ts';

export interface RunRecord {
  trades: readonly TradeLogEntry[];
  snapshots: readonly SnapshotRecord[];
  /** The capital returns, drawdown percentages and turnover are measured against (> 0). */
  initialCapital: number;
  /** Snapshot equity before any trade: the engine's initialCash (default 0, snapshot equity then being PnL). */
  equityAtStart?: number;
  /** Orders sent (new or replaced) over the run, from the engine's run stats: the fill rate's denominator. */
  ordersSent: number;
}

export type ReturnBasis = 'daily' | 'minute' | 'second';

export interface MetricsOptions {
  /** The instrument to report on; required when the records hold more than one. */
  instrument?: string;
  /** Trading day of a time (default `kstDateOf`). */
  dayOf?: (ts: number) => string;
  /** Return series for Sharpe, Sortino and CVaR (default 'auto': daily from 20 days on, else minute). */
  returnBasis?: 'auto' | ReturnBasis;
  minDaysForDailyReturns?: number;
  /** Default 252. */
  tradingDaysPerYear?: number;
  /** Seconds of trading per day for annualising intraday returns (default 25,200: KRX 08:45–15:45). */
  sessionSecondsPerDay?: number;
  /** CVaR confidence level (default 0.95). */
  cvarLevel?: number;
  /** Regimes for PnL attribution (default: each snapshot's own `regime`). */
  regimes?: RegimeSeries;
  /** Which snapshots are market time (default: all); `krxRegularSession` for KRX runs. */
  inSession?: (ts: number) => boolean;
}

export const DEFAULT_METRICS_OPTIONS = Object.freeze({
  returnBasis: 'auto',
  minDaysForDailyReturns: 20,
  tradingDaysPerYear: 252,
  sessionSecondsPerDay: 25_200,
  cvarLevel: 0.95,
} as const);

export interface DailyPnl {
  day: string;
  /** Close equity − previous close (initial capital for the first day). */
  pnl: number;
  closeEquity: number;
  return: number;
  fills: number;
}

export interface ReturnStats {
  basis: ReturnBasis;
  /** Why this basis (auto choice or forced). */
  basisReason: string;
  count: number;
  periodsPerYear: number;
  mean: number;
  std: number;
  downsideDeviation: number;
  /** mean / std × √periodsPerYear (NaN when std is 0 or undefined). */
  sharpe: number;
  /** mean / downside deviation × √periodsPerYear (Infinity with no losing period and a positive mean). */
  sortino: number;
  method: string;
}

export interface RunMetrics {
  instrument: string | undefined;
  period: {
    startMs: number;
    endMs: number;
    days: number;
    snapshots: number;
    /** Snapshots in market time (all of them without a session filter). */
    marketSnapshots: number;
    fills: number;
  };
  initialCapital: number;
  /** The snapshot equity that corresponds to the initial capital (see RunRecord). */
  equityAtStart: number;
  /** Last value of the capital curve. */
  finalEquity: number;
  totalPnl: number;
  /** totalPnl / initialCapital. */
  totalReturn: number;
  daily: DailyPnl[];
  returns: ReturnStats;
  maxDrawdown: Drawdown;
  cvar: { level: number; value: number; method: string };
  turnover: { tradedNotional: number; averageEquity: number; turnover: number; method: string };
  fillRate: { fills: number; ordersSent: number; rate: number };
  inventory: {
    /** Time-weighted mean of |position| over market-time snapshots. */
    meanAbsPosition: number;
    /** Time-weighted mean of the signed position. */
    meanPosition: number;
    /** Largest |position| in snapshots or right after any fill (fills catch intra-second peaks). */
    maxAbsPosition: number;
    /** Share of market time with no position. */
    fractionFlat: number;
  };
  liquidity: {
    makerFills: number;
    takerFills: number;
    makerNotional: number;
    takerNotional: number;
    /** Maker fills / all fills. */
    makerShare: number;
    /** Maker notional / all notional. */
    makerNotionalShare: number;
  };
  fees: { feesPaid: number; rebates: number; netFees: number };
  pnlByRegime: RegimePnl[];
  /** Trades the engine labelled profitable (mark-to-mid a fixed horizon later, net of the fee) / labelled trades. */
  profitableTrades: { labelled: number; profitable: number; ratio: number };
  /**
   * Closing fills (those that realised PnL): hit rate = winners / closing fills, profit factor = gross
   * profit / gross loss of their realised PnL (before fees, which the fee metrics report).
   */
  closedTrades: {
    closing: number;
    winning: number;
    hitRate: number;
    grossProfit: number;
    grossLoss: number;
    /** grossProfit / grossLoss: Infinity with profits and no loss, NaN with neither. */
    profitFactor: number;
    method: string;
  };
}

/** UTC calendar date of a time, 'YYYY-MM-DD' (a day boundary for 24/7 markets). */
export function utcDateOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

type ResolvedOptions = Required<Omit<MetricsOptions, 'instrument' | 'regimes' | 'inSession'>>;

function resolveOptions(options: MetricsOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    dayOf: options.dayOf ?? kstDateOf,
    returnBasis: options.returnBasis ?? DEFAULT_METRICS_OPTIONS.returnBasis,
    minDaysForDailyReturns: options.minDaysForDailyReturns ?? DEFAULT_METRICS_OPTIONS.minDaysForDailyReturns,
    tradingDaysPerYear: options.tradingDaysPerYear ?? DEFAULT_METRICS_OPTIONS.tradingDaysPerYear,
    sessionSecondsPerDay: options.sessionSecondsPerDay ?? DEFAULT_METRICS_OPTIONS.sessionSecondsPerDay,
    cvarLevel: options.cvarLevel ?? DEFAULT_METRICS_OPTIONS.cvarLevel,
  };
  if (!(resolved.tradingDaysPerYear > 0) || !(resolved.sessionSecondsPerDay > 0)) {
    throw new RangeError('tradingDaysPerYear and sessionSecondsPerDay must be > 0');
  }
  if (!(resolved.cvarLevel > 0 && resolved.cvarLevel < 1)) {
    throw new RangeError(`cvarLevel must be in (0, 1), got ${resolved.cvarLevel}`);
  }
  return resolved;
}

export function computeRunMetrics(run: RunRecord, options: MetricsOptions = {}): RunMetrics {
  const settings = resolveOptions(options);
  if (!(run.initialCapital > 0))
    throw new RangeError(`initialCapital must be > 0, got ${run.initialCapital}`);
  if (!(run.ordersSent >= 0)) throw new RangeError(`ordersSent must be ≥ 0, got ${run.ordersSent}`);
  const equityAtStart = run.equityAtStart ?? 0;
  if (!Number.isFinite(equityAtStart))
    throw new RangeError(`equityAtStart must be finite, got ${equityAtStart}`);
  const selected = selectInstrument(run, options.instrument);
  const { instrument, trades } = selected;
  const snapshots = onCapital(selected.snapshots, run.initialCapital, equityAtStart);
  const inSession = options.inSession;
  const market = inSession === undefined ? snapshots : snapshots.filter((snapshot) => inSession(snapshot.ts));
  const marketTime =
    inSession === undefined
      ? 'every snapshot counts as market time (no session filter)'
      : 'market-time snapshots only (session filter), moves outside sessions in the next session';
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const finalEquity = last === undefined ? NaN : last.equity;
  const totalPnl = finalEquity - run.initialCapital;
  const daily = dailyPnl(market, trades, run.initialCapital, settings.dayOf);
  const returns = returnStats(market, run.initialCapital, daily.length, settings, marketTime);
  const tradedNotional = sum(trades, (trade) => Math.abs(trade.cost));
  const averageEquity = market.length > 0 ? mean(market.map((s) => s.equity)) : run.initialCapital;
  return {
    instrument,
    period: {
      startMs: first?.ts ?? NaN,
      endMs: last?.ts ?? NaN,
      days: daily.length,
      snapshots: snapshots.length,
      marketSnapshots: market.length,
      fills: trades.length,
    },
    initialCapital: run.initialCapital,
    equityAtStart,
    finalEquity,
    totalPnl,
    totalReturn: totalPnl / run.initialCapital,
    daily,
    returns: returns.stats,
    maxDrawdown: maxDrawdown(snapshots, run.initialCapital),
    cvar: {
      level: settings.cvarLevel,
      value: expectedShortfall(returns.values, settings.cvarLevel),
      method:
        `historical expected shortfall at ${formatLevel(settings.cvarLevel)} of the ${returns.values.length} ` +
        `${returns.stats.basis} returns: minus the mean of the worst ${formatLevel(1 - settings.cvarLevel)} ` +
        '(fractional weight on the boundary return), a loss per period as a fraction of equity, not annualised',
    },
    turnover: {
      tradedNotional,
      averageEquity,
      turnover: tradedNotional / averageEquity,
      method: 'traded notional (Σ |cost|) / mean capital-curve equity over market-time snapshots',
    },
    fillRate: { fills: trades.length, ordersSent: run.ordersSent, rate: trades.length / run.ordersSent },
    inventory: inventoryStats(market, trades),
    liquidity: liquidityStats(trades),
    fees: feeStats(trades),
    pnlByRegime: pnlByRegime(snapshots, run.initialCapital, options.regimes),
    profitableTrades: profitableStats(trades),
    closedTrades: closedTradeStats(trades),
  };
}

function selectInstrument(
  run: RunRecord,
  wanted: string | undefined,
): { instrument: string | undefined; trades: TradeLogEntry[]; snapshots: SnapshotRecord[] } {
  const names = new Set<string>();
  for (const snapshot of run.snapshots) names.add(snapshot.instrument);
  for (const trade of run.trades) names.add(trade.instrument);
  if (wanted === undefined && names.size > 1) {
    throw new RangeError(
      `the run holds ${names.size} instruments (${[...names].sort().join(', ')}): choose one with \`instrument\``,
    );
  }
  const instrument = wanted ?? [...names][0];
  const snapshots = run.snapshots.filter((snapshot) => snapshot.instrument === instrument);
  // Period closes and drawdowns need time order; a stable sort keeps equal times in the order given.
  if (!isSorted(snapshots)) snapshots.sort((a, b) => a.ts - b.ts);
  const trades = run.trades.filter((trade) => trade.instrument === instrument);
  return { instrument, trades, snapshots };
}

/** Snapshots with equity restated on the capital curve: initial capital + (equity − equityAtStart). */
export function onCapital(
  snapshots: readonly SnapshotRecord[],
  initialCapital: number,
  equityAtStart: number,
): SnapshotRecord[] {
  const shift = initialCapital - equityAtStart;
  return snapshots.map((snapshot) => ({ ...snapshot, equity: snapshot.equity + shift }));
}

function isSorted(records: readonly { ts: number }[]): boolean {
  for (let i = 1; i < records.length; i++) if (records[i]!.ts < records[i - 1]!.ts) return false;
  return true;
}

function dailyPnl(
  snapshots: readonly SnapshotRecord[],
  trades: readonly TradeLogEntry[],
  initialCapital: number,
  dayOf: (ts: number) => string,
): DailyPnl[] {
  const fillsPerDay = new Map<string, number>();
  for (const trade of trades) {
    const day = dayOf(trade.ts);
    fillsPerDay.set(day, (fillsPerDay.get(day) ?? 0) + 1);
  }
  let previous = initialCapital;
  return periodCloses(snapshots, dayOf).map((close) => {
    const day = String(close.key);
    const entry = {
      day,
      pnl: close.equity - previous,
      closeEquity: close.equity,
      return: previous > 0 ? close.equity / previous - 1 : NaN,
      fills: fillsPerDay.get(day) ?? 0,
    };
    previous = close.equity;
    return entry;
  });
}

function returnStats(
  snapshots: readonly SnapshotRecord[],
  initialCapital: number,
  days: number,
  settings: ResolvedOptions,
  marketTime: string,
): { stats: ReturnStats; values: number[] } {
  const dayOf = settings.dayOf;
  let basis: ReturnBasis;
  let basisReason: string;
  if (settings.returnBasis === 'auto') {
    basis = days >= settings.minDaysForDailyReturns ? 'daily' : 'minute';
    basisReason =
      basis === 'daily'
        ? `daily: the run spans ${days} days (≥ ${settings.minDaysForDailyReturns})`
        : `per-minute: the run spans ${days} day(s), fewer than the ${settings.minDaysForDailyReturns} needed for daily returns`;
  } else {
    basis = settings.returnBasis;
    basisReason = `${basis}: chosen by the caller`;
  }
  const { tradingDaysPerYear, sessionSecondsPerDay } = settings;
  const perYear = {
    daily: { periodsPerYear: tradingDaysPerYear, factor: `√${tradingDaysPerYear}` },
    minute: {
      periodsPerYear: (tradingDaysPerYear * sessionSecondsPerDay) / 60,
      factor: `√(${tradingDaysPerYear} days × ${sessionSecondsPerDay / 60} minutes)`,
    },
    second: {
      periodsPerYear: tradingDaysPerYear * sessionSecondsPerDay,
      factor: `√(${tradingDaysPerYear} days × ${sessionSecondsPerDay} seconds)`,
    },
  }[basis];
  const periodOf =
    basis === 'daily'
      ? dayOf
      : basis === 'minute'
        ? (ts: number) => Math.floor(ts / 60_000)
        : (ts: number) => Math.floor(ts / 1_000);
  const values = simpleReturns(periodCloses(snapshots, periodOf), initialCapital);
  const average = mean(values);
  const std = sampleStd(values);
  const downside = downsideDeviation(values);
  const scale = Math.sqrt(perYear.periodsPerYear);
  const sortino = downside > 0 ? (average / downside) * scale : average > 0 ? Infinity : NaN;
  const unit = { daily: 'daily', minute: 'per-minute', second: 'per-second' }[basis];
  return {
    values,
    stats: {
      basis,
      basisReason,
      count: values.length,
      periodsPerYear: perYear.periodsPerYear,
      mean: average,
      std,
      downsideDeviation: downside,
      sharpe: std > 0 ? (average / std) * scale : NaN,
      sortino,
      method:
        `${unit} simple returns of equity (each period's last snapshot, the first over the initial capital), ` +
        `n = ${values.length}; Sharpe = mean / sample s.d. × ${perYear.factor}; Sortino = mean / downside ` +
        `deviation (target 0, over all n) × ${perYear.factor}; risk-free rate 0; ${marketTime}`,
    },
  };
}

function inventoryStats(
  snapshots: readonly SnapshotRecord[],
  trades: readonly TradeLogEntry[],
): RunMetrics['inventory'] {
  let maxAbs = snapshots.length > 0 || trades.length > 0 ? 0 : NaN;
  let flat = 0;
  for (const snapshot of snapshots) {
    maxAbs = Math.max(maxAbs, Math.abs(snapshot.position));
    if (snapshot.position === 0) flat++;
  }
  for (const trade of trades) maxAbs = Math.max(maxAbs, Math.abs(trade.positionAfter));
  return {
    meanAbsPosition: mean(snapshots.map((snapshot) => Math.abs(snapshot.position))),
    meanPosition: mean(snapshots.map((snapshot) => snapshot.position)),
    maxAbsPosition: maxAbs,
    fractionFlat: snapshots.length > 0 ? flat / snapshots.length : NaN,
  };
}

function liquidityStats(trades: readonly TradeLogEntry[]): RunMetrics['liquidity'] {
  const maker = trades.filter((trade) => trade.liquidity === 'maker');
  const taker = trades.filter((trade) => trade.liquidity === 'taker');
  const makerNotional = sum(maker, (trade) => Math.abs(trade.cost));
  const takerNotional = sum(taker, (trade) => Math.abs(trade.cost));
  return {
    makerFills: maker.length,
    takerFills: taker.length,
    makerNotional,
    takerNotional,
    makerShare: maker.length / trades.length,
    makerNotionalShare: makerNotional / (makerNotional + takerNotional),
  };
}

function feeStats(trades: readonly TradeLogEntry[]): RunMetrics['fees'] {
  const feesPaid = sum(trades, (trade) => trade.fee);
  const rebates = sum(trades, (trade) => trade.rebate);
  return { feesPaid, rebates, netFees: feesPaid - rebates };
}

function profitableStats(trades: readonly TradeLogEntry[]): RunMetrics['profitableTrades'] {
  let labelled = 0;
  let profitable = 0;
  for (const trade of trades) {
    if (trade.profitable === undefined) continue;
    labelled++;
    if (trade.profitable) profitable++;
  }
  return { labelled, profitable, ratio: profitable / labelled };
}

function closedTradeStats(trades: readonly TradeLogEntry[]): RunMetrics['closedTrades'] {
  let closing = 0;
  let winning = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  for (const trade of trades) {
    if (trade.realizedPnl === 0 || !Number.isFinite(trade.realizedPnl)) continue;
    closing++;
    if (trade.realizedPnl > 0) {
      winning++;
      grossProfit += trade.realizedPnl;
    } else grossLoss -= trade.realizedPnl;
  }
  return {
    closing,
    winning,
    hitRate: winning / closing,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : NaN,
    method:
      'over fills that closed (part of) a position: realised PnL against the average entry price, before fees',
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}

function formatLevel(level: number): string {
  return `${Number((level * 100).toFixed(4))} %`;
}
