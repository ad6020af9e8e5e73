/** Strategies for the engine: the Avellaneda–Stoikov market maker, the minute signal trader, a fixed-spread baseline. */
export { FixedSpreadQuoter } from './fixed-spread.ts';
export { AvellanedaStoikovStrategy } from './avellaneda-stoikov.ts';
export {
  AS_DEFAULTS,
  AS_OPTIONS_SCHEMA,
  CRYPTO_AS_OPTIONS,
  isResolvedAsConfig,
  KRX_OPTION_AS_OPTIONS,
  resolveAsConfig,
  withName,
} from './as-config.ts';
export type {
  AvellanedaStoikovConfig,
  AvellanedaStoikovOptions,
  RegimeSettings,
  VolatilitySettings,
} from './as-config.ts';
export { clampSpread, optimalSpread, quotesAround, reservationPrice } from './as-formulas.ts';
export type { QuotePair } from './as-formulas.ts';
export { DAY_MS, KRX_SESSION_MS, timeLeft } from './horizon.ts';
export type { HorizonConfig, HorizonMode } from './horizon.ts';
export { levelsAllowed, maxPositionQuantity } from './inventory-limits.ts';
export type { PositionLimits } from './inventory-limits.ts';
export { TradeDistanceKappa } from './kappa-estimator.ts';
export type { KappaEstimatorConfig } from './kappa-estimator.ts';
export { ladder, placeQuotes } from './quote-placement.ts';
export type { MarketTouch, PlacedQuotes } from './quote-placement.ts';
export { presetNameFor, REGIME_LABELS, REGIME_PRESETS } from './regime-presets.ts';
export type { RegimePreset, RegimePresetName } from './regime-presets.ts';
export { QuotedSide } from './requote-policy.ts';
export type { RequoteRule } from './requote-policy.ts';
export { ClockSampledVolatility } from './volatility-estimator.ts';
export type { VolatilityConfig } from './volatility-estimator.ts';
export {
  minimumPrice,
  movedAtLeastTicks,
  roundDownToTick,
  roundUpToTick,
  stepDown,
  stepUp,
  tickBelow,
  ticksToPrice,
} from './tick-grid.ts';
export type { TickGrid } from './tick-grid.ts';
export { LinearPredictor, momentumBaseline, SeriesPredictor } from './predictor.ts';
export type { Predictor } from './predictor.ts';
export { SIGNAL_DEFAULTS, SIGNAL_OPTIONS_SCHEMA, SignalStrategy } from './signal.ts';
export type { SignalAction, SignalConfig, SignalContract } from './signal.ts';
