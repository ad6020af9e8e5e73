/**
 * τ, the time left in A&S's formulas, and the time unit σ is measured in. The two must agree: σ² is the
 * variance per unit and τ counts units, so γσ²τ is the variance of the mid until the horizon.
 *
 * - `session` (KRX options): τ = (horizon end − now) / unitMs, the end being `InstrumentSpec.horizonEndMs`
 *   (the session close of the day). With the default unit of one regular KRX session (420 minutes), τ is
 *   the fraction of a session left: 1 at 08:45, 0.5 at 12:15, 0 at 15:45 (0.94 at the open of an expiry
 *   day that closes at 15:20). Inventory skew and the risk part of the spread shrink towards the close, as
 *   in the paper, whose terminal condition values inventory at the mid. `minTau` can keep a floor under
 *   τ, since on KRX the position is carried overnight rather than liquidated at the close. An instrument
 *   with no horizon (24/7) falls back to τ = 1 unit.
 *
 * - `rolling` (alias `infinite`, 24/7 crypto): τ = 1, the horizon always one unit ahead (default one
 *   day). This is the finite-horizon formula frozen at a constant look-ahead, which gives what the
 *   infinite-horizon solution of Guéant–Lehalle–Fernandez-Tapia (2013) gives in shape (a spread constant
 *   in time and a skew linear in inventory) while keeping one formula, one set of parameters and the same
 *   regime presets for both markets. The GLFT closed form would in addition need A in the same units and
 *   an inventory bound in its skew; the unit here plays the role of the holding period over which
 *   inventory risk is charged (one day matches the daily risk limits).
 */
export type HorizonMode = 'session' | 'rolling' | 'infinite';

export interface HorizonConfig {
  mode: HorizonMode;
  /** The time unit of τ and σ², ms (session: one regular session; rolling: the look-ahead). */
  unitMs: number;
  /** Floor under τ, in units (0: the paper's behaviour). */
  minTau: number;
}

/** One regular KRX session, 08:45–15:45 KST. */
export const KRX_SESSION_MS = 420 * 60_000;
export const DAY_MS = 86_400_000;

/** τ in units of `unitMs`, given the instrument's horizon end at `nowMs` (undefined when it has none). */
export function timeLeft(config: HorizonConfig, horizonEndMs: number | undefined, nowMs: number): number {
  if (config.mode !== 'session' || horizonEndMs === undefined) return 1;
  return Math.max(config.minTau, (horizonEndMs - nowMs) / config.unitMs, 0);
}
