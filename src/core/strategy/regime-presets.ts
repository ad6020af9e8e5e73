/**
 * Seed B's regime presets for the A&S quoter, and which regime labels select them.
 *
 *   | preset   | γ   | κ    | spread      | multiplier (this project's choice) |
 *   |----------|-----|------|-------------|------------------------------------|
 *   | trending | 0.5 | 500  | wide        | 1.5                                |
 *   | ranging  | 1.0 | 1000 | narrow      | 0.8                                |
 *   | high_vol | 0.3 | 200  | very wide   | 2.5                                |
 *   | low_vol  | 1.5 | 2000 | very narrow | 0.6                                |
 *
 * κ is per fraction of the mid (see kappa-estimator.ts), so the liquidity term (2/γ)·ln(1 + γ/κ) alone
 * is 0.40 %, 0.20 %, 1.00 % and 0.10 % of the mid: the seed's wide/narrow ordering already, and inside its
 * 0.1 %–1 % clamp. The multiplier scales the clamped spread (bounds included), so "very wide" stays wider
 * than "wide" even when the clamp binds. With estimation on, the preset κ is the estimator's prior.
 *
 * Labels: the synthetic market's ground truth (trend_up, trend_down, range, volatile), the post-hoc tags
 * (trending, ranging, volatile) and each preset's own name (trending, ranging, high_vol, low_vol). Any other label, or none, leaves the base parameters.
 */

export interface RegimePreset {
  gamma: number;
  kappa: number;
  /** Multiplies the clamped spread. */
  spreadMultiplier: number;
}

export type RegimePresetName = 'trending' | 'ranging' | 'high_vol' | 'low_vol';

export const REGIME_PRESETS: Readonly<Record<RegimePresetName, Readonly<RegimePreset>>> = Object.freeze({
  trending: Object.freeze({ gamma: 0.5, kappa: 500, spreadMultiplier: 1.5 }),
  ranging: Object.freeze({ gamma: 1.0, kappa: 1000, spreadMultiplier: 0.8 }),
  high_vol: Object.freeze({ gamma: 0.3, kappa: 200, spreadMultiplier: 2.5 }),
  low_vol: Object.freeze({ gamma: 1.5, kappa: 2000, spreadMultiplier: 0.6 }),
});

export const REGIME_LABELS: Readonly<Record<string, RegimePresetName>> = Object.freeze({
  trend_up: 'trending',
  trend_down: 'trending',
  range: 'ranging',
  volatile: 'high_vol',
  trending: 'trending',
  ranging: 'ranging',
  // Every preset's own name selects it too (`--regimes high_vol` once fell through to the base parameters).
  high_vol: 'high_vol',
  low_vol: 'low_vol',
});

/** The preset a regime label selects, or undefined (unknown label, or no regime). */
export function presetNameFor(
  regime: string | undefined,
  labels: Readonly<Record<string, RegimePresetName>> = REGIME_LABELS,
): RegimePresetName | undefined {
  // An own-property check, so labels such as 'constructor' or 'toString' stay unknown.
  return regime !== undefined && Object.hasOwn(labels, regime) ? labels[regime] : undefined;
}
