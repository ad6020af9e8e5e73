/**
 * How much trades, when, in which codes and in what size: the trade-arrival model, calibrated on the
 * real day (data/krx-options-20251201, 1,549 call and 1,798 put ticks). `calibration.ts` checks the
 * result against that day.
 */
import type { OptionSide } from '../market/krx-code.ts';
import { cumulativeWeights } from '../math/random.ts';
import type { Random } from '../math/random.ts';

/** The real day's split between the sides: calls 1,549 and puts 1,798 ticks (a 0.926 : 1.074 ratio). */
export const SIDE_SHARE: Readonly<Record<OptionSide, number>> = { CALL: 0.926, PUT: 1.074 };
/** Default `ticksPerDay` (per side): the real day's mean of the two sides. */
export const DEFAULT_TICKS_PER_DAY = 1674;

/**
 * Continuous trading stops 10 minutes before the close; what follows is the closing single-price call,
 * whose prints all carry the closing time (the real day: nothing between 15:34:56 and 15:45:00, then one
 * tick at 15:45:00).
 */
export const CLOSING_CALL_SECONDS = 600;
/** Chance that a code that traded during the day also prints in the closing call (1 of 164 codes). */
export const CLOSING_PRINT_PROBABILITY = 0.01;

/**
 * Intraday intensity, trades per minute over both sides on the real day in 30-minute buckets from the
 * open (the last bucket is the 20 minutes before the closing call), placed at bucket midpoints and
 * interpolated linearly. The U: a busy open, a lunch lull near 3–4 a minute, a livelier afternoon.
 * Sessions of other lengths (expiry day, shifted opens) are mapped onto it proportionally.
 */
const PROFILE_KNOTS: ReadonlyArray<readonly [minutesFromOpen: number, tradesPerMinute: number]> = [
  [0, 17.6],
  [15, 17.6],
  [45, 11.83],
  [75, 13.33],
  [105, 8.5],
  [135, 6.5],
  [165, 3.33],
  [195, 4.17],
  [225, 3.73],
  [255, 7.33],
  [285, 6.7],
  [315, 7.17],
  [345, 9.0],
  [375, 5.23],
  [400, 10.65],
  [410, 10.65],
];
const PROFILE_MINUTES = 410;

/** Relative intensities of the continuous-trading minutes of a session, summing to 1. */
export function intradayProfile(continuousMinutes: number): Float64Array {
  const weights = new Float64Array(continuousMinutes);
  let sum = 0;
  for (let m = 0; m < continuousMinutes; m++) {
    const u = ((m + 0.5) / continuousMinutes) * PROFILE_MINUTES;
    let i = 1;
    while (i < PROFILE_KNOTS.length - 1 && PROFILE_KNOTS[i]![0] < u) i++;
    const [x0, y0] = PROFILE_KNOTS[i - 1]!;
    const [x1, y1] = PROFILE_KNOTS[i]!;
    weights[m] = y0 + ((y1 - y0) * (u - x0)) / (x1 - x0);
    sum += weights[m]!;
  }
  for (let m = 0; m < continuousMinutes; m++) weights[m]! /= sum;
  return weights;
}

/**
 * Which codes trade. On the real day trading sat in out-of-the-money options: calls from the money to
 * the top of the ladder (59 of 61 such codes traded), puts from the money down to about 0.7·S, thinning
 * further out (105 codes). In-the-money codes trade little, calls less than puts. Strikes on round
 * numbers draw far more trades (multiples of 10: ~70 ticks, of 5: ~25, x.5: ~12), and the furthest
 * listed strike on each side is a lottery ticket (the 680 call had 211 ticks, the 300 put 91).
 */
export const CODE_WEIGHTS = {
  /** Out-of-the-money distance x = ln(K/S) for calls, ln(S/K) for puts, beyond which interest fades... */
  otmFlatUntil: 0.25,
  /** ...with this e-folding distance. */
  otmDecay: 0.08,
  /** In-the-money e-folding distance per side. */
  itmDecay: { CALL: 0.015, PUT: 0.03 } as Readonly<Record<OptionSide, number>>,
  roundness: { fifty: 3.6, ten: 2.8, five: 1, half: 0.6 },
  /**
   * The furthest out-of-the-money listed strike keeps this interest (× its roundness) however far out:
   * the 680 call drew 3× a round strike's ticks, the 300 put 1.5×.
   */
  ladderEnd: { CALL: 3, PUT: 1.5 } as Readonly<Record<OptionSide, number>>,
  /** Code-to-code popularity beyond the rules above: lognormal with this log standard deviation. */
  popularityLogStdDev: 0.35,
} as const;

export function codeWeight(side: OptionSide, strike: number, spot: number, isLadderEnd: boolean): number {
  const otm = side === 'CALL' ? Math.log(strike / spot) : Math.log(spot / strike);
  const w = CODE_WEIGHTS;
  const moneyness =
    otm < 0
      ? Math.exp(otm / w.itmDecay[side])
      : otm <= w.otmFlatUntil
        ? 1
        : Math.exp(-(otm - w.otmFlatUntil) / w.otmDecay);
  const tenths = Math.round(strike * 10);
  const roundness =
    tenths % 500 === 0
      ? w.roundness.fifty
      : tenths % 100 === 0
        ? w.roundness.ten
        : tenths % 50 === 0
          ? w.roundness.five
          : w.roundness.half;
  return isLadderEnd && otm > 0 ? w.ladderEnd[side] * roundness : moneyness * roundness;
}

/**
 * Contracts per trade: the real day's empirical distribution (both sides, 3,347 ticks): 79 % single
 * lots, mean 1.99, 95th percentile 5, 99th 20, at most 70. Sampled as is.
 */
// prettier-ignore
export const CONTRACTS_PER_TRADE: ReadonlyArray<readonly [contracts: number, count: number]> = [
  [1, 2646], [2, 291], [3, 127], [4, 69], [5, 96], [6, 11], [7, 10], [8, 8], [9, 4], [10, 27], [11, 3],
  [12, 5], [13, 2], [14, 5], [15, 5], [20, 5], [24, 2], [27, 2], [30, 1], [35, 1], [36, 1], [37, 1],
  [38, 2], [39, 1], [40, 2], [41, 1], [43, 3], [45, 1], [47, 1], [48, 2], [49, 2], [50, 9], [70, 1],
];
const CONTRACTS_CUMULATIVE = cumulativeWeights(CONTRACTS_PER_TRADE.map(([, count]) => count));

export function sampleContracts(rng: Random): number {
  return CONTRACTS_PER_TRADE[rng.pickCumulative(CONTRACTS_CUMULATIVE)]![0];
}

/**
 * One order becomes a burst of trades: on the real day 16–20 % of consecutive ticks of a code share a
 * second, 22–28 % are at most 5 s apart, and 87 % of those repeat the price; a few orders sweep 8–16
 * fills in one second.
 */
export const BURSTS = {
  sweepProbability: 0.02,
  sweepFills: [4, 16] as const,
  /** Otherwise 1 + Geometric: each extra fill follows with this probability. */
  continueProbability: 0.22,
  sameSecondProbability: 0.75,
  /** Later fills arrive 1 + Exponential(mean) seconds after the previous one. */
  laterMeanSeconds: 4,
  samePriceProbability: 0.85,
} as const;

export function sampleBurstSize(rng: Random): number {
  if (rng.bernoulli(BURSTS.sweepProbability))
    return rng.intBetween(BURSTS.sweepFills[0], BURSTS.sweepFills[1]);
  let fills = 1;
  while (fills < 50 && rng.bernoulli(BURSTS.continueProbability)) fills++;
  return fills;
}

/** Mean fills per order of `sampleBurstSize`, to turn a tick target into an order rate. */
export function meanBurstSize(): number {
  const sweep = (BURSTS.sweepFills[0] + BURSTS.sweepFills[1]) / 2;
  return BURSTS.sweepProbability * sweep + (1 - BURSTS.sweepProbability) / (1 - BURSTS.continueProbability);
}

/** Delay in seconds from one fill of a burst to the next. */
export function sampleFillDelay(rng: Random): number {
  return rng.bernoulli(BURSTS.sameSecondProbability)
    ? 0
    : 1 + Math.floor(rng.exponential(BURSTS.laterMeanSeconds));
}

/**
 * Quoted half-spread around the model price, in points: a fixed share of a tick plus 0.1 % of the
 * premium, which gives one-tick markets in cheap options and 2–3 ticks around 20-point premiums.
 */
export function halfSpread(theoretical: number): number {
  return 0.001 * theoretical + 0.3 * (theoretical < 10 ? 0.01 : 0.05);
}
