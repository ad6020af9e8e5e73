/**
 * How a backtest is set up for a market: the instrument specs, the strategy with the market's presets
 * and the user's parameters (checked against the real settings), the fill model, fees and risk limits.
 * Shared by `quotelab backtest` and by tuning trials, so a trial runs exactly what a backtest runs.
 */
import { cryptoSpec, krxOptionSpec } from '../core/market/instrument-specs.ts';
import type { CryptoInstrument } from '../core/market/instrument-specs.ts';
import { krxRegularSession } from '../core/report/index.ts';
import { kstDateOf } from '../core/market/kst.ts';
import {
  CRYPTO_CAPITAL_FRACTIONS,
  DEFAULT_RISK_LIMITS,
  KRX_CAPITAL_FRACTIONS,
  LimitRiskGate,
  capitalRiskLimits,
} from '../core/risk/index.ts';
import type { RiskLimits } from '../core/risk/index.ts';
import {
  KRX_OPTION_FEES,
  conservativeQueue,
  lotsToQuantity,
  probabilisticQueue,
  tradeThrough,
} from '../core/sim/index.ts';
import type { BacktestConfig, FillModel, InstrumentSpec, RegimeSeries, Strategy } from '../core/sim/index.ts';
import {
  AvellanedaStoikovStrategy,
  CRYPTO_AS_OPTIONS,
  KRX_OPTION_AS_OPTIONS,
  SIGNAL_DEFAULTS,
  SignalStrategy,
  resolveAsConfig,
} from '../core/strategy/index.ts';
import type { AvellanedaStoikovOptions } from '../core/strategy/index.ts';
import { FEE_TEMPLATE, parseBacktestParams } from './backtest-params.ts';

export type Market = 'krx' | 'binance';
export type StrategyName = 'as' | 'signal';
export type FillModelName = 'trade-through' | 'queue' | 'queue-probabilistic';

/** Capital the crypto account starts with (Seed B's bot: $5,000 max position, $50 daily loss, 5 % drawdown). */
export const CRYPTO_CAPITAL = 10_000;
/** Reference capital for KRX (KRW): the account starts at 0 cash; returns are PnL over this. */
export const KRX_CAPITAL = 100_000_000;

export interface RunSetup {
  strategy: StrategyName;
  /** The crypto instrument (venue table row or `--instrument`): its tick, lot and fees. Required on Binance. */
  instrument?: CryptoInstrument;
  /** A price of the crypto instrument (the capture's first mid), for its min-notional order size. */
  referencePrice?: number;
  /** `--param` pairs (values as given on the command line, or numbers and booleans). */
  params: Readonly<Record<string, string | number | boolean>>;
  fillModel?: FillModelName;
  feedLatencyMs?: number;
  orderLatencyMs?: number;
  regimes?: RegimeSeries;
  snapshots?: BacktestConfig['snapshots'];
  onProgress?: BacktestConfig['onProgress'];
}

/** The engine configuration for a market and a setup, and the instrument specs it hands out. */
export function backtestConfig(
  market: Market,
  setup: RunSetup,
): { config: BacktestConfig; specs: Map<string, InstrumentSpec>; capital: number } {
  const pairs: Record<string, string> = {};
  for (const [key, value] of Object.entries(setup.params)) pairs[key] = String(value);
  const params = parseBacktestParams(pairs, {
    strategy: setup.strategy === 'as' ? resolveAsConfig(...asOptions(market)) : SIGNAL_DEFAULTS,
    // `risk.capital` is the account's capital, which the money limits' defaults are fractions of.
    risk: { ...DEFAULT_RISK_LIMITS, capital: 0 },
    fees: FEE_TEMPLATE,
  });
  const { capital: capitalParam, ...riskOverrides } = params.risk as Partial<RiskLimits> & {
    capital?: number;
  };
  const capital = capitalParam ?? (market === 'krx' ? KRX_CAPITAL : CRYPTO_CAPITAL);
  const crypto = setup.instrument;
  if (market === 'binance' && !crypto)
    throw new Error('a Binance backtest needs its instrument (venue and symbol) to pick tick, lot and fees');
  const fees = { ...(market === 'krx' ? KRX_OPTION_FEES : crypto!.fees), ...params.fees };
  for (const [name, value] of Object.entries(fees))
    if (!Number.isFinite(value)) throw new RangeError(`fees.${name} must be a finite number, got ${value}`);
  const specs = new Map<string, InstrumentSpec>();
  const specOf = (name: string) => {
    let spec = specs.get(name);
    if (!spec)
      specs.set(name, (spec = market === 'krx' ? krxOptionSpec(name) : { ...cryptoSpec(crypto!), name }));
    return spec;
  };
  const instrumentAs =
    market === 'binance' && setup.strategy === 'as'
      ? cryptoAsOptions(crypto!, setup.referencePrice, params.strategy.orderSize as number | undefined)
      : {};
  // Built once here so a bad value fails before the run, with the parameter's name.
  if (setup.strategy === 'as')
    resolveAsConfig(...asOptions(market), instrumentAs, params.strategy as AvellanedaStoikovOptions);
  const config: BacktestConfig = {
    instrument: specOf,
    strategy: (spec) => makeStrategy(setup.strategy, market, [instrumentAs, params.strategy], spec),
    fees,
    fillModel: fillModel(setup.fillModel ?? (market === 'krx' ? 'trade-through' : 'queue')),
    feedLatency: setup.feedLatencyMs ?? 0,
    orderLatency: setup.orderLatencyMs ?? 0,
    riskGate: new LimitRiskGate(riskLimits(market, capital, riskOverrides)),
    regimes: setup.regimes,
    initialCash: market === 'krx' ? 0 : capital,
    dayStartOffsetMs: market === 'krx' ? 9 * 3600_000 : 0,
    // The risk gate's trading day: the KRX session date in KST (KRX has no session across midnight).
    tradingDayOf: market === 'krx' ? kstDateOf : undefined,
    snapshots: setup.snapshots ?? 'traded',
    snapshotWhen: market === 'krx' ? krxRegularSession : undefined,
    onProgress: setup.onProgress,
  };
  return { config, specs, capital };
}

function makeStrategy(
  name: StrategyName,
  market: 'krx' | 'binance',
  [instrumentAs, options]: [AvellanedaStoikovOptions, Record<string, unknown>],
  spec: InstrumentSpec,
): Strategy {
  if (name === 'signal') {
    if (market !== 'krx')
      throw new Error(
        'the signal strategy trades minute bars of KRX options (the feature module is KRX-specific)',
      );
    return new SignalStrategy(options);
  }
  return new AvellanedaStoikovStrategy(
    ...asOptions(market),
    instrumentAs,
    options as AvellanedaStoikovOptions,
    { name: `as:${spec.name}` },
  );
}

/** The price move that re-prices crypto quotes: Seed B's $1.00, whatever the instrument's tick. */
const CRYPTO_REQUOTE_MOVE_USDT = 1;

/**
 * A&S settings that follow the crypto instrument: re-pricing on a $1.00 move in its own ticks (100 on a
 * 0.01 tick, 10 on USD-M BTCUSDT's 0.10), and an order size the venue accepts. Binance rejects orders
 * below the instrument's min notional, so the default size (0.001) grows to the smallest whole number of
 * lots whose notional at `referencePrice` meets it, and a size given with --param that falls short fails.
 */
function cryptoAsOptions(
  instrument: CryptoInstrument,
  referencePrice: number | undefined,
  userOrderSize: number | undefined,
): AvellanedaStoikovOptions {
  const lot = instrument.lotSize;
  // The default size, at least one whole lot (0.001 is not a size on a 0.01 lot).
  const defaultSize = lotsToQuantity(Math.max(1, Math.ceil(CRYPTO_AS_OPTIONS.orderSize! / lot - 1e-9)), lot);
  const options: AvellanedaStoikovOptions = {
    requote: { minTicks: Math.max(1, Math.round(CRYPTO_REQUOTE_MOVE_USDT / instrument.tickSize)) },
    ...(userOrderSize === undefined ? { orderSize: defaultSize } : {}),
  };
  if (!(referencePrice !== undefined && referencePrice > 0) || instrument.minNotional <= 0) return options;
  const size = userOrderSize ?? defaultSize;
  if (size * referencePrice >= instrument.minNotional) return options;
  const needed = lotsToQuantity(Math.ceil(instrument.minNotional / referencePrice / lot - 1e-9), lot);
  if (userOrderSize !== undefined)
    throw new RangeError(
      `orderSize ${userOrderSize} × price ${referencePrice} = ${(userOrderSize * referencePrice).toFixed(2)} USDT is below the ${instrument.minNotional} USDT min notional of ${instrument.venue}:${instrument.symbol}; use orderSize=${needed} or more`,
    );
  return { ...options, orderSize: needed };
}

/** The A&S options of a market, before the user's parameters. */
function asOptions(market: 'krx' | 'binance'): AvellanedaStoikovOptions[] {
  // On KRX ticks the strategy wakes on its own code's trades only (no 1 s timer across hundreds of quiet
  // codes and every night); `wakeIntervalMs` in the parameters brings the timer back.
  return market === 'krx' ? [KRX_OPTION_AS_OPTIONS, { wakeIntervalMs: 0 }] : [CRYPTO_AS_OPTIONS];
}

function fillModel(name: FillModelName): FillModel {
  switch (name) {
    case 'trade-through':
      return tradeThrough();
    case 'queue':
      return conservativeQueue();
    case 'queue-probabilistic':
      return probabilisticQueue();
  }
}

/**
 * Risk limits per market, in its currency: the money limits are fractions of the capital
 * (KRX_CAPITAL_FRACTIONS, CRYPTO_CAPITAL_FRACTIONS); `risk.*` parameters override them.
 */
function riskLimits(
  market: 'krx' | 'binance',
  capital: number,
  overrides: Partial<RiskLimits>,
): Partial<RiskLimits> {
  const base: Partial<RiskLimits> =
    market === 'krx'
      ? {
          // KRW. Seed B's limits are in USD for a crypto bot; these are their KOSPI200-option analogues.
          ...capitalRiskLimits(capital, KRX_CAPITAL_FRACTIONS),
          // Options trade sparsely: a quiet code is not stale data.
          maxDataAgeMs: Infinity,
          // One account quotes every listed code: the order-rate limit is the account's, not a code's.
          maxOrdersPerWindow: 1_000,
        }
      : // USD, Seed B's bot at $10,000: $5,000 max position, $50 max loss, 5 % drawdown. A market maker on a
        // book that moves many times a second requotes often: 300 orders per 10 s before the rate limit halts it.
        { ...capitalRiskLimits(capital, CRYPTO_CAPITAL_FRACTIONS), maxOrdersPerWindow: 300 };
  return { ...base, ...overrides };
}
