/**
 * The market regimes of the synthetic KOSPI200 and the semi-Markov process that switches between them.
 *
 * Regimes switch only at minute boundaries, so every KST session minute has exactly one true label. A
 * spell's length (its dwell time) is counted in session minutes and carries over the overnight break: a
 * trend that starts at 15:00 may still run at 09:30 the next day.
 *
 * Dwell time of a spell, in session minutes:  D = 15 + floor(G),  G ~ Gamma(shape 2, scale θ_regime),
 * redrawn while D > 360. Means 74.5 (trend_up), 64.5 (trend_down), 94.5 (range) and 44.5 (volatile)
 * minutes; 5–95 % ranges about 25–157, 23–133, 29–204 and 20–86 minutes. The next regime is drawn from
 * TRANSITIONS (never the same one twice in a row); over long runs about 41 % of minutes are range, 23 %
 * trend_down, 22 % trend_up and 14 % volatile.
 *
 * The dynamics make the regimes distinguishable from 1-minute bars (`REGIME_DYNAMICS`): a trend drifts
 * 0.9–1.0 % per hour against 8–10 % volatility (a 15-minute move is 2–2.4 standard deviations), a
 * range is an Ornstein–Uhlenbeck process with a 5-minute half-life pinned within about ±0.1 % of its
 * level, and the volatile regime has 4–5× the 1-minute volatility of the others plus jumps. A naive
 * detector on a trailing 15-minute window (volatile if the 1-minute return s.d. exceeds 0.06 %, else a
 * trend if |t| of the window's move exceeds 1.5, else range) labels about 77 % of minutes correctly,
 * with a centred window about 83 %. The price of that separability: close-to-close volatility is about
 * 34 % annualised, above KOSPI200's usual 20–30 %.
 *
 * Option prices see the regime through at-the-money implied volatility, which moves towards 0.255
 * (range), 0.26 (trend_up), 0.29 (trend_down) or 0.33 (volatile) with a 15-minute half-life; weighted by
 * time that averages 0.275, close to the 0.272 the real day's prices imply.
 */
import type { Random } from '../math/random.ts';

export const REGIMES = ['trend_up', 'trend_down', 'range', 'volatile'] as const;
export type Regime = (typeof REGIMES)[number];

export interface RegimeDynamics {
  /** Drift of the log level, per hour of session time. */
  driftPerHour: number;
  /** Diffusion volatility, annualised over 252 sessions of 7 hours. */
  volatility: number;
  /** Mean reversion towards the level the spell started at (range only): half-life in minutes. */
  reversionHalfLifeMinutes?: number;
  /** Student-t degrees of freedom of the per-second shocks (normal when absent). */
  shockDof?: number;
  /** Jumps: expected count per hour and the standard deviation of a jump in log terms. */
  jumpsPerHour?: number;
  jumpStdDev?: number;
  /** At-the-money implied volatility the option market drifts towards during the regime. */
  impliedVolatility: number;
}

export const REGIME_DYNAMICS: Readonly<Record<Regime, RegimeDynamics>> = {
  trend_up: { driftPerHour: 0.009, volatility: 0.08, impliedVolatility: 0.26 },
  trend_down: { driftPerHour: -0.01, volatility: 0.1, impliedVolatility: 0.29 },
  range: { driftPerHour: 0, volatility: 0.08, reversionHalfLifeMinutes: 5, impliedVolatility: 0.255 },
  volatile: {
    driftPerHour: 0,
    volatility: 0.4,
    shockDof: 4,
    jumpsPerHour: 3,
    jumpStdDev: 0.002,
    impliedVolatility: 0.33,
  },
};

/** Dwell-time distribution: D = minMinutes + floor(Gamma(shape, scale)), redrawn above maxMinutes. */
export const DWELL = {
  minMinutes: 15,
  maxMinutes: 360,
  gammaShape: 2,
  gammaScaleMinutes: { trend_up: 30, trend_down: 25, range: 40, volatile: 15 } as Readonly<
    Record<Regime, number>
  >,
} as const;

/** Where a spell goes next (rows sum to 1; no self-transitions: a regime's length is its dwell time). */
export const TRANSITIONS: Readonly<Record<Regime, Readonly<Record<Regime, number>>>> = {
  trend_up: { trend_up: 0, trend_down: 0.3, range: 0.45, volatile: 0.25 },
  trend_down: { trend_up: 0.25, trend_down: 0, range: 0.45, volatile: 0.3 },
  range: { trend_up: 0.38, trend_down: 0.37, range: 0, volatile: 0.25 },
  volatile: { trend_up: 0.25, trend_down: 0.25, range: 0.5, volatile: 0 },
};

/** The regime the first generated minute starts in. */
export const INITIAL_REGIME_PROBABILITIES: Readonly<Record<Regime, number>> = {
  trend_up: 0.25,
  trend_down: 0.2,
  range: 0.35,
  volatile: 0.2,
};

/** P(D ≤ minutes) of the dwell-time distribution above, exactly (the floor makes it discrete). */
export function dwellCdf(regime: Regime, minutes: number): number {
  if (minutes < DWELL.minMinutes) return 0;
  if (minutes >= DWELL.maxMinutes) return 1;
  const scale = DWELL.gammaScaleMinutes[regime];
  // D ≤ d  ⇔  floor(G) ≤ d − min  ⇔  G < d − min + 1; Gamma(2, θ) has CDF 1 − e^(−x/θ)(1 + x/θ).
  const gammaCdf = (x: number) => 1 - Math.exp(-x / scale) * (1 + x / scale);
  return gammaCdf(minutes - DWELL.minMinutes + 1) / gammaCdf(DWELL.maxMinutes - DWELL.minMinutes + 1);
}

export function sampleDwellMinutes(regime: Regime, rng: Random): number {
  for (;;) {
    const minutes =
      DWELL.minMinutes + Math.floor(rng.gamma(DWELL.gammaShape, DWELL.gammaScaleMinutes[regime]));
    if (minutes <= DWELL.maxMinutes) return minutes;
  }
}

/**
 * The semi-Markov regime chain, advanced one session minute at a time. Its randomness is its own
 * stream, so the labels do not change when the price or trade simulation changes.
 */
export class RegimeProcess {
  private readonly rng: Random;
  private regime: Regime;
  private remaining: number;

  constructor(rng: Random) {
    this.rng = rng;
    this.regime = pick(INITIAL_REGIME_PROBABILITIES, rng);
    this.remaining = sampleDwellMinutes(this.regime, rng);
  }

  /** The regime of the next session minute. */
  next(): Regime {
    if (this.remaining === 0) {
      this.regime = pick(TRANSITIONS[this.regime], this.rng);
      this.remaining = sampleDwellMinutes(this.regime, this.rng);
    }
    this.remaining--;
    return this.regime;
  }
}

function pick(probabilities: Readonly<Record<Regime, number>>, rng: Random): Regime {
  let u = rng.float();
  for (const regime of REGIMES) {
    u -= probabilities[regime];
    if (u < 0) return regime;
  }
  // Rounding can leave a sliver above the last cumulative sum: give it to the last regime with weight.
  return [...REGIMES].reverse().find((regime) => probabilities[regime] > 0)!;
}
