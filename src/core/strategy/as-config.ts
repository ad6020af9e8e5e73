/**
 * Configuration of the Avellaneda–Stoikov quoter: the full type, its defaults (Seed B's where it has
 * them), presets for the two markets, and the merge of user options over defaults.
 *
 * Units (see avellaneda-stoikov.ts for why): κ per fraction of the mid; σ as a standard deviation of
 * simple returns per √second (the trade log's `volatility` unit); spreads as fractions of the mid;
 * order size and quantity limits in contracts or base units; notional in the instrument's currency.
 */
import { z } from 'zod';
import { checkSettings, numberOrInfinity } from '../config/params.ts';
import { DAY_MS, KRX_SESSION_MS } from './horizon.ts';
import type { HorizonConfig } from './horizon.ts';
import type { KappaEstimatorConfig } from './kappa-estimator.ts';
import { REGIME_LABELS, REGIME_PRESETS } from './regime-presets.ts';
import type { RegimePreset, RegimePresetName } from './regime-presets.ts';
import type { RequoteRule } from './requote-policy.ts';

export interface VolatilitySettings {
  /** Clock of the mid samples, ms. */
  sampleIntervalMs: number;
  /** Returns in the window (Seed B: 20). */
  window: number;
  method: 'window' | 'ewma';
  ewmaHalfLifeSamples: number;
  /** Returns needed before the estimate replaces the prior (default: the window). */
  minReturns?: number;
  /** σ used until then: standard deviation of simple returns of the mid per √second. */
  priorPerSqrtSecond: number;
}

export interface RegimeSettings {
  enabled: boolean;
  presets: Readonly<Record<RegimePresetName, Readonly<RegimePreset>>>;
  labels: Readonly<Record<string, RegimePresetName>>;
}

export interface AvellanedaStoikovConfig {
  name: string;
  /** Risk aversion γ, per lot of inventory (Seed B default 1.0). */
  gamma: number;
  /** Liquidity κ per fraction of the mid (Seed B default 1000); the estimator's prior when it fits κ. */
  kappa: number;
  horizon: HorizonConfig;
  /** Spread clamp as fractions of the mid (Seed B 0.1 %–1 %), before the regime multiplier. */
  minSpreadFraction: number;
  maxSpreadFraction: number;
  /** Quantity per quote (a multiple of the lot size); also the inventory unit q counts in. */
  orderSize: number;
  /** Quotes per side, and the distance between them in grid steps. */
  levels: number;
  levelSpacingTicks: number;
  /** Position limits; the tighter applies; at least one is required. */
  maxPositionQuantity?: number;
  maxPositionNotional?: number;
  requote: RequoteRule;
  /** Keep quotes on their own side of the touch (the mid, on trade-only data). */
  postOnly: boolean;
  volatility: VolatilitySettings;
  kappaEstimator: KappaEstimatorConfig;
  regimes: RegimeSettings;
  /** Timer wake-up (for τ, σ samples and quote age), ms; 0 for none. */
  wakeIntervalMs: number;
  /**
   * Which market events wake the strategy: 'event' every one; 'touch' only those that move the best bid,
   * best ask or mid, plus our own fills (the engine's `refresh.onEvents: 'touch'`). The quotes depend on
   * the mid and the touch; what 'touch' defers to the next wake-up (at most `wakeIntervalMs` later) is κ's
   * update from trades at an unchanged touch.
   */
  wakeOn: 'event' | 'touch';
  /**
   * Return the previous Decision when nothing it depends on changed (same mid, touch, position, σ, τ,
   * regime, no new trades, no side due for re-pricing by age). A pure speed-up: with it off the decisions
   * are the same (a test runs both); it exists so the equivalence can be checked.
   */
  reuseUnchangedDecisions: boolean;
}

/** User options: any top-level field, and any field of the nested groups. */
export type AvellanedaStoikovOptions = Partial<
  Omit<AvellanedaStoikovConfig, 'horizon' | 'requote' | 'volatility' | 'kappaEstimator' | 'regimes'>
> & {
  horizon?: Partial<HorizonConfig>;
  requote?: Partial<RequoteRule>;
  volatility?: Partial<VolatilitySettings>;
  kappaEstimator?: Partial<KappaEstimatorConfig>;
  regimes?: Partial<RegimeSettings>;
};

export const AS_DEFAULTS: Readonly<AvellanedaStoikovConfig> = Object.freeze({
  name: 'avellaneda-stoikov',
  gamma: 1.0,
  kappa: 1000,
  horizon: Object.freeze({ mode: 'rolling', unitMs: DAY_MS, minTau: 0 }),
  minSpreadFraction: 0.001,
  maxSpreadFraction: 0.01,
  orderSize: 1,
  levels: 1,
  levelSpacingTicks: 1,
  maxPositionQuantity: 10,
  maxPositionNotional: undefined,
  requote: Object.freeze({ minTicks: 2, maxAgeMs: 60_000 }),
  postOnly: true,
  volatility: Object.freeze({
    sampleIntervalMs: 1000,
    window: 20,
    method: 'window',
    ewmaHalfLifeSamples: 20,
    priorPerSqrtSecond: 1e-4,
  }),
  kappaEstimator: Object.freeze({ enabled: true, windowTrades: 500, priorTrades: 50, min: 100, max: 5000 }),
  regimes: Object.freeze({ enabled: true, presets: REGIME_PRESETS, labels: REGIME_LABELS }),
  wakeIntervalMs: 1000,
  wakeOn: 'event',
  reuseUnchangedDecisions: true,
} satisfies AvellanedaStoikovConfig);

/**
 * KOSPI200 options: τ to the session close in sessions, σ on the minute (the bars' clock: 20 returns =
 * 20 minutes, as f_vol_20), a prior of 0.2 %/√s (about 1.5 % a minute, an ordinary premium's move),
 * limits in contracts, and re-pricing on any one-tick move (a tick is a large step on a cheap premium).
 */
export const KRX_OPTION_AS_OPTIONS: Readonly<AvellanedaStoikovOptions> =
  Object.freeze<AvellanedaStoikovOptions>({
    name: 'avellaneda-stoikov-krx',
    horizon: { mode: 'session', unitMs: KRX_SESSION_MS, minTau: 0 },
    orderSize: 1,
    maxPositionQuantity: 10,
    requote: { minTicks: 1, maxAgeMs: 60_000 },
    volatility: { sampleIntervalMs: 60_000, priorPerSqrtSecond: 0.002 },
  });

/**
 * BTCUSDT (Seed B's bot): a rolling one-day horizon, σ on the second, a 1·10⁻⁴/√s prior (about 0.6 % an
 * hour), Seed B's $5,000 notional limit, 0.001 BTC per quote, and re-pricing on a move of 100 ticks
 * ($1.00, 0.001 % of a $100,000 price), since a 0.01 tick is noise at a spread of ≥ 0.1 %. It wakes when
 * the touch moves (not on every book message; most change only sizes) and every second.
 */
export const CRYPTO_AS_OPTIONS: Readonly<AvellanedaStoikovOptions> = Object.freeze<AvellanedaStoikovOptions>({
  name: 'avellaneda-stoikov-crypto',
  horizon: { mode: 'rolling', unitMs: DAY_MS, minTau: 0 },
  orderSize: 0.001,
  maxPositionQuantity: undefined,
  maxPositionNotional: 5000,
  requote: { minTicks: 100, maxAgeMs: 30_000 },
  volatility: { sampleIntervalMs: 1000, priorPerSqrtSecond: 1e-4 },
  wakeOn: 'touch',
});

const atLeast = (min: number) => z.number().min(min, `must be ≥ ${min}`);
const above = (min: number) => z.number().gt(min, `must be > ${min}`);
const wholeAtLeast = (min: number) => z.int(`must be an integer`).min(min, `must be an integer ≥ ${min}`);
const PRESET_NAMES = [
  'trending',
  'ranging',
  'high_vol',
  'low_vol',
] as const satisfies readonly RegimePresetName[];
const PRESET_SCHEMA = z.strictObject({
  gamma: atLeast(0),
  kappa: above(0),
  spreadMultiplier: above(0),
});

/**
 * What a user may set, each field optional (groups too, field by field): the schema `--param`, a study's
 * space and fixed values, and the registry's model metadata are checked by (core/config/params.ts). Rules
 * between fields (spread min ≤ max, one position limit at least) are checked on the resolved config.
 */
export const AS_OPTIONS_SCHEMA = z
  .strictObject({
    name: z.string().min(1),
    gamma: atLeast(0),
    kappa: above(0),
    horizon: z
      .strictObject({
        mode: z.enum(['session', 'rolling', 'infinite']),
        unitMs: above(0),
        minTau: atLeast(0),
      })
      .partial(),
    minSpreadFraction: atLeast(0),
    maxSpreadFraction: atLeast(0),
    orderSize: above(0),
    levels: wholeAtLeast(1),
    levelSpacingTicks: wholeAtLeast(1),
    maxPositionQuantity: numberOrInfinity().refine((v) => v >= 0, 'must be ≥ 0'),
    maxPositionNotional: numberOrInfinity().refine((v) => v >= 0, 'must be ≥ 0'),
    requote: z.strictObject({ minTicks: atLeast(0), maxAgeMs: above(0) }).partial(),
    postOnly: z.boolean(),
    volatility: z
      .strictObject({
        sampleIntervalMs: above(0),
        window: wholeAtLeast(1),
        method: z.enum(['window', 'ewma']),
        ewmaHalfLifeSamples: above(0),
        minReturns: wholeAtLeast(1),
        priorPerSqrtSecond: atLeast(0),
      })
      .partial(),
    kappaEstimator: z
      .strictObject({
        enabled: z.boolean(),
        windowTrades: wholeAtLeast(1),
        priorTrades: atLeast(0),
        min: above(0),
        max: above(0),
      })
      .partial(),
    regimes: z
      .strictObject({
        enabled: z.boolean(),
        presets: z.partialRecord(z.enum(PRESET_NAMES), PRESET_SCHEMA.partial()),
        labels: z.record(z.string(), z.enum(PRESET_NAMES)),
      })
      .partial(),
    wakeIntervalMs: atLeast(0),
    wakeOn: z.enum(['event', 'touch']),
    reuseUnchangedDecisions: z.boolean(),
  })
  .partial();

/** Configs resolveAsConfig built (and checked): a strategy given one takes it as it is. */
const RESOLVED = new WeakSet<object>();

/** Whether `config` came out of resolveAsConfig (or withName): already merged and checked. */
export function isResolvedAsConfig(config: object): config is Readonly<AvellanedaStoikovConfig> {
  return RESOLVED.has(config);
}

/** A resolved config under another name (one per instrument), without resolving it again. */
export function withName(
  config: Readonly<AvellanedaStoikovConfig>,
  name: string,
): Readonly<AvellanedaStoikovConfig> {
  if (!RESOLVED.has(config)) throw new TypeError('withName takes a config from resolveAsConfig');
  const renamed = Object.freeze({ ...config, name });
  RESOLVED.add(renamed);
  return renamed;
}

/** Defaults, overridden by each options object in turn (later wins), validated. */
export function resolveAsConfig(
  ...options: ReadonlyArray<AvellanedaStoikovOptions>
): AvellanedaStoikovConfig {
  let config: AvellanedaStoikovConfig = { ...AS_DEFAULTS };
  for (const o of options) {
    checkOptions(o);
    config = {
      ...config,
      ...withoutUndefinedGroups(o),
      horizon: { ...config.horizon, ...o.horizon },
      requote: { ...config.requote, ...o.requote },
      volatility: { ...config.volatility, ...o.volatility },
      kappaEstimator: { ...config.kappaEstimator, ...o.kappaEstimator },
      regimes: mergeRegimes(config.regimes, o.regimes),
    };
  }
  validate(config);
  const resolved = Object.freeze(config);
  RESOLVED.add(resolved);
  return resolved;
}

/** Regime settings merged preset by preset, so `{ presets: { volatile: { gamma: 2 } } }` keeps the rest. */
function mergeRegimes(
  base: AvellanedaStoikovConfig['regimes'],
  over: AvellanedaStoikovOptions['regimes'],
): AvellanedaStoikovConfig['regimes'] {
  if (over === undefined) return base;
  const presets = { ...base.presets };
  for (const [name, preset] of Object.entries(over.presets ?? {}) as [
    RegimePresetName,
    Partial<RegimePreset>,
  ][])
    presets[name] = { ...base.presets[name], ...preset };
  return { ...base, ...over, presets };
}

/** Each field's type and bounds (the schema), with the message the resolved config's checks give. */
function checkOptions(o: AvellanedaStoikovOptions): void {
  try {
    checkSettings(AS_OPTIONS_SCHEMA, o);
  } catch (error) {
    throw new RangeError(`avellaneda-stoikov config: ${(error as Error).message}`);
  }
}

function withoutUndefinedGroups(o: AvellanedaStoikovOptions): Partial<AvellanedaStoikovConfig> {
  const { horizon: _h, requote: _r, volatility: _v, kappaEstimator: _k, regimes: _g, ...rest } = o;
  return rest;
}

/** The rules between fields, on the resolved config (each field's own bounds are the schema's). */
function validate(c: AvellanedaStoikovConfig): void {
  const fail = (message: string): never => {
    throw new RangeError(`avellaneda-stoikov config: ${message}`);
  };
  if (!(c.maxSpreadFraction >= c.minSpreadFraction)) {
    fail(`spread fractions [${c.minSpreadFraction}, ${c.maxSpreadFraction}] must satisfy 0 ≤ min ≤ max`);
  }
  if (c.maxPositionQuantity === undefined && c.maxPositionNotional === undefined) {
    fail('set maxPositionQuantity or maxPositionNotional');
  }
  if (!(c.kappaEstimator.max >= c.kappaEstimator.min))
    fail(`kappaEstimator bounds [${c.kappaEstimator.min}, ${c.kappaEstimator.max}] must satisfy min ≤ max`);
}
