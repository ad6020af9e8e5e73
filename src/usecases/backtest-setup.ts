/**
 * How a backtest is set up for a market: the instrument specs, the strategy with the market's presets
 * and the user's parameters (checked against the real settings), the fill model, fees and risk limits.
 * Shared by `quotelab backtest` and by tuning trials, so a trial runs exactly what a backtest runs.
 */
import { z } from 'zod';
import { FEE_SCHEDULE_SCHEMA } from '../core/market/fees.ts';
import type { CryptoInstrument } from '../core/market/instrument-specs.ts';
import { LimitRiskGate, RISK_LIMITS_SCHEMA } from '../core/risk/index.ts';
import type { RiskLimits } from '../core/risk/index.ts';
import { conservativeQueue, lotsToQuantity, probabilisticQueue, tradeThrough } from '../core/sim/index.ts';
import type { BacktestConfig, FillModel, InstrumentSpec, RegimeSeries, Strategy } from '../core/sim/index.ts';
import {
  AS_OPTIONS_SCHEMA,
  AvellanedaStoikovStrategy,
  CRYPTO_AS_OPTIONS,
  SIGNAL_OPTIONS_SCHEMA,
  SignalStrategy,
  resolveAsConfig,
  withName,
} from '../core/strategy/index.ts';
import type { AvellanedaStoikovConfig, AvellanedaStoikovOptions } from '../core/strategy/index.ts';
import { parseBacktestParams } from './backtest-params.ts';
import { marketProfile, profileEngineSettings } from './market-profile.ts';
import type { FillModelName, Market, MarketProfile } from './market-profile.ts';

export type { FillModelName, Market } from './market-profile.ts';
export { CRYPTO_CAPITAL, KRX_CAPITAL } from './market-profile.ts';
export type StrategyName = 'as' | 'signal';

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
  /** Acks and fill notices reach the strategy and the risk gate this late (ms, default 0). */
  responseLatencyMs?: number;
  regimes?: RegimeSeries;
  snapshots?: BacktestConfig['snapshots'];
  onProgress?: BacktestConfig['onProgress'];
}

/** The engine configuration for a market and a setup, and the instrument specs it hands out. */
export function backtestConfig(
  market: Market,
  setup: RunSetup,
): { config: BacktestConfig; specs: Map<string, InstrumentSpec>; capital: number } {
  const crypto = setup.instrument;
  const profile = marketProfile(market, crypto);
  // Values stay what they are: a study's numbers are never turned into text and back.
  const params = parseBacktestParams(setup.params, {
    strategy: setup.strategy === 'as' ? AS_OPTIONS_SCHEMA : SIGNAL_OPTIONS_SCHEMA,
    risk: RISK_PARAMS_SCHEMA,
    fees: FEE_SCHEDULE_SCHEMA,
  });
  const { capital: capitalParam, ...riskOverrides } = params.risk as Partial<RiskLimits> & {
    capital?: number;
  };
  const capital = capitalParam ?? profile.capital;
  const fees = { ...profile.fees(crypto), ...params.fees };
  for (const [name, value] of Object.entries(fees))
    if (!Number.isFinite(value)) throw new RangeError(`fees.${name} must be a finite number, got ${value}`);
  const specs = new Map<string, InstrumentSpec>();
  const specOf = (name: string) => {
    let spec = specs.get(name);
    if (!spec) specs.set(name, (spec = profile.instrumentSpec(name, crypto)));
    return spec;
  };
  // Crypto A&S settings follow the instrument (its tick and min notional).
  const instrumentAs =
    crypto && setup.strategy === 'as'
      ? cryptoAsOptions(crypto, setup.referencePrice, params.strategy.orderSize as number | undefined)
      : {};
  // Resolved once, before the run (a bad combination fails now), and handed to each instrument's strategy.
  const asConfig =
    setup.strategy === 'as'
      ? resolveAsConfig(...profile.asOptions, instrumentAs, params.strategy as AvellanedaStoikovOptions)
      : undefined;
  const config: BacktestConfig = {
    instrument: specOf,
    strategy: (spec) => makeStrategy(profile, asConfig, params.strategy, spec),
    fees,
    fillModel: fillModel(setup.fillModel ?? profile.defaultFillModel),
    feedLatency: setup.feedLatencyMs ?? 0,
    orderLatency: setup.orderLatencyMs ?? 0,
    responseLatency: setup.responseLatencyMs ?? 0,
    riskGate: new LimitRiskGate({ ...profile.riskDefaults(capital), ...riskOverrides }),
    regimes: setup.regimes,
    ...profileEngineSettings(profile, capital),
    snapshots: setup.snapshots ?? 'traded',
    onProgress: setup.onProgress,
  };
  return { config, specs, capital };
}

function makeStrategy(
  profile: MarketProfile,
  asConfig: Readonly<AvellanedaStoikovConfig> | undefined,
  signalOptions: Record<string, unknown>,
  spec: InstrumentSpec,
): Strategy {
  if (asConfig === undefined) {
    if (!profile.signalStrategy)
      throw new Error(
        'the signal strategy trades minute bars of KRX options (the feature module is KRX-specific)',
      );
    return new SignalStrategy(signalOptions);
  }
  return new AvellanedaStoikovStrategy(withName(asConfig, `as:${spec.name}`));
}

/** `risk.*`: the risk gate's limits, and `risk.capital`, the account's capital the money limits' defaults are fractions of. */
const RISK_PARAMS_SCHEMA = RISK_LIMITS_SCHEMA.extend({
  capital: z.number().gt(0, 'must be a finite amount > 0').optional(),
});

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
