/**
 * The simulated KOSPI200: one log-price step per second of the regular session, driven by the regime of
 * each minute (REGIME_DYNAMICS), with an overnight gap between sessions. The option market's
 * at-the-money implied volatility follows the regime with a lag, so premiums do not jump at a switch.
 */
import { REGIME_DYNAMICS } from './regimes.ts';
import type { Regime, RegimeProcess } from './regimes.ts';
import type { Random } from '../math/random.ts';

/** Session seconds in a year: 252 sessions of 7 hours. Volatilities are annualised over session time. */
export const SESSION_SECONDS_PER_YEAR = 252 * 7 * 3600;
/** Standard deviation of the overnight log gap (about 0.6 %, typical of KOSPI200 opens). */
export const OVERNIGHT_GAP_STD_DEV = 0.006;
/** Half-life of implied volatility's move towards the current regime's level. */
export const IMPLIED_VOL_HALF_LIFE_MINUTES = 15;

/** What carries from one session to the next. */
export interface UnderlyingState {
  logLevel: number;
  /** Log level a range regime reverts to (set when a range spell starts). */
  rangeAnchor: number;
  previousRegime?: Regime;
  atmVol: number;
}

export function initialUnderlyingState(level: number, atmVol: number): UnderlyingState {
  return { logLevel: Math.log(level), rangeAnchor: Math.log(level), atmVol };
}

export interface SessionPath {
  /** KST seconds since midnight of the first simulated second (the session open). */
  openSecond: number;
  /** Session length in seconds; `spot` and `atmVol` hold `seconds + 1` values (open to close inclusive). */
  seconds: number;
  spot: Float64Array;
  atmVol: Float64Array;
  /** True regime of each session minute: index m covers seconds [60m, 60m + 59] after the open. */
  minuteRegimes: Regime[];
}

/**
 * Simulates one session. The regime process advances once per labelled minute, the last one being the
 * minute that holds only the closing second (15:45 on a regular day).
 */
export function simulateSession(
  state: UnderlyingState,
  regimes: RegimeProcess,
  rng: Random,
  openSecond: number,
  closeSecond: number,
): SessionPath {
  const seconds = closeSecond - openSecond;
  const minuteCount = Math.floor(seconds / 60) + 1;
  const spot = new Float64Array(seconds + 1);
  const atmVol = new Float64Array(seconds + 1);
  const minuteRegimes: Regime[] = [];
  const volDecay = 1 - Math.exp(-Math.LN2 / (IMPLIED_VOL_HALF_LIFE_MINUTES * 60));
  let x = state.logLevel;
  let vol = state.atmVol;

  for (let minute = 0; minute < minuteCount; minute++) {
    const regime = regimes.next();
    minuteRegimes.push(regime);
    if (regime === 'range' && state.previousRegime !== 'range') state.rangeAnchor = x;
    state.previousRegime = regime;
    const p = REGIME_DYNAMICS[regime];
    const drift = p.driftPerHour / 3600;
    const sigma = p.volatility / Math.sqrt(SESSION_SECONDS_PER_YEAR);
    const reversion = p.reversionHalfLifeMinutes ? Math.LN2 / (p.reversionHalfLifeMinutes * 60) : 0;
    const jumpProbability = (p.jumpsPerHour ?? 0) / 3600;
    const first = minute * 60;
    const last = Math.min(first + 59, seconds);
    for (let s = first; s <= last; s++) {
      spot[s] = Math.exp(x);
      atmVol[s] = vol;
      vol += (p.impliedVolatility - vol) * volDecay;
      const shock = p.shockDof ? rng.studentT(p.shockDof) : rng.normal();
      x += drift + reversion * (state.rangeAnchor - x) + sigma * shock;
      if (jumpProbability > 0 && rng.bernoulli(jumpProbability)) x += (p.jumpStdDev ?? 0) * rng.normal();
    }
  }
  // The steps after the closing second never show in a price; the session ends where `spot` ends.
  state.logLevel = Math.log(spot[seconds]!);
  state.atmVol = atmVol[seconds]!;
  return { openSecond, seconds, spot, atmVol, minuteRegimes };
}

/** Moves the level by an overnight gap; a range in progress keeps its band around the new level. */
export function applyOvernightGap(state: UnderlyingState, rng: Random): void {
  const gap = OVERNIGHT_GAP_STD_DEV * rng.normal();
  state.logLevel += gap;
  state.rangeAnchor += gap;
}

/** The level at the end of minute m (its last second, or the closing second for the last minute). */
export function minuteClose(path: SessionPath, minute: number): number {
  return path.spot[Math.min(minute * 60 + 59, path.seconds)]!;
}
