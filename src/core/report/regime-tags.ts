/**
 * Post-hoc regime tags (Seed B's automatic labels): a realised price path (a 1 s mid series, or trades)
 * cut into fixed windows, each tagged `volatile`, `trending` or `ranging` from what the price did in it.
 * Post-hoc means the whole window is used, future included: these are labels for evaluation and training,
 * never inputs to a decision at that time.
 *
 * Rules, per window of `windowMs` (default 15 minutes, aligned to multiples of windowMs since the epoch,
 * so the tags do not depend on where the data starts):
 * 1. Sample the path every `stepMs` (default 60 s, aligned likewise) at the last price at or before each
 *    grid time. A grid time inside a gap between observations longer than `maxGapMs` (default 5
 *    minutes), or after the last observation, is missing: carrying a price across a trading break
 *    would make fake quiet windows. A window's moves are the log returns between consecutive present
 *    grid points, each belonging to the window its earlier point lies in.
 * 2. A window with fewer than `minMoves` moves (default 8 of the 15) gets no tag.
 * 3. Realised volatility σ = √(Σ r² / covered seconds), per √second. The window is `volatile` if σ is
 *    above the threshold: either an absolute σ per √second, or (default) twice the median σ of the
 *    path's tagged windows in which the price moved (flat windows would drag the median to zero). The relative default needs no calibration per instrument (an option's
 *    premium moves far more than the index) and matches the synthetic market, whose volatile regime has
 *    4–5× the others' volatility; its price is that a path that is volatile throughout has no window
 *    that stands out: give an absolute threshold to tag such a path.
 * 4. Else `trending` if the efficiency ratio |Σ r| / Σ |r| (Kaufman: net move over path length, 1 for a
 *    straight line, near 0 for a path that returns to where it began) is at least `trendEfficiency`
 *    (default 0.4: a driftless random walk of 15 moves averages about 0.26 and the synthetic trends about
 *    0.55; see synth/regimes.ts for their drift and volatility).
 * 5. Else `ranging`.
 */
import type { RegimeSeries } from '../trading/types.ts';
import { quantileOfSorted } from './stats.ts';

export type PostHocRegime = 'trending' | 'ranging' | 'volatile';

export interface PricePoint {
  ts: number;
  price: number;
}

export type VolatilityThreshold = { perSqrtSecond: number } | { multipleOfMedian: number };

export interface RegimeTagConfig {
  windowMs: number;
  stepMs: number;
  maxGapMs: number;
  minMoves: number;
  trendEfficiency: number;
  volatility: VolatilityThreshold;
}

export const DEFAULT_REGIME_TAG_CONFIG: Readonly<RegimeTagConfig> = Object.freeze({
  windowMs: 15 * 60_000,
  stepMs: 60_000,
  maxGapMs: 5 * 60_000,
  minMoves: 8,
  trendEfficiency: 0.4,
  volatility: Object.freeze({ multipleOfMedian: 2 }),
});

export interface RegimeWindow {
  startMs: number;
  endMs: number;
  /** Undefined when the window has fewer than minMoves moves. */
  tag: PostHocRegime | undefined;
  moves: number;
  /** Realised volatility of the log price, per √second. */
  volatility: number;
  efficiencyRatio: number;
  /** Net log move over the window (its sign is the trend's direction). */
  netMove: number;
}

/** The tags as a RegimeSeries: `at(ts)` is the tag of the window holding ts (windows are [start, end)). */
export class RegimeTagSeries implements RegimeSeries {
  readonly windows: readonly RegimeWindow[];
  readonly config: Readonly<RegimeTagConfig>;
  /** The volatility threshold applied, per √second (resolved from the median when relative). */
  readonly volatilityThreshold: number;

  constructor(
    windows: readonly RegimeWindow[],
    config: Readonly<RegimeTagConfig>,
    volatilityThreshold: number,
  ) {
    this.windows = windows;
    this.config = config;
    this.volatilityThreshold = volatilityThreshold;
  }

  at(ts: number): PostHocRegime | undefined {
    let low = 0;
    let high = this.windows.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const window = this.windows[middle]!;
      if (ts < window.startMs) high = middle - 1;
      else if (ts >= window.endMs) low = middle + 1;
      else return window.tag;
    }
    return undefined;
  }

  /** Share of tagged windows per tag (for reports). */
  shares(): Record<PostHocRegime, number> {
    const counts = { trending: 0, ranging: 0, volatile: 0 };
    let tagged = 0;
    for (const window of this.windows) {
      if (window.tag === undefined) continue;
      counts[window.tag]++;
      tagged++;
    }
    return {
      trending: counts.trending / tagged,
      ranging: counts.ranging / tagged,
      volatile: counts.volatile / tagged,
    };
  }
}

export function resolveRegimeTagConfig(overrides: Partial<RegimeTagConfig> = {}): Readonly<RegimeTagConfig> {
  const config = { ...DEFAULT_REGIME_TAG_CONFIG, ...overrides };
  const { windowMs, stepMs, maxGapMs, minMoves, trendEfficiency, volatility } = config;
  if (!(stepMs > 0) || !(windowMs >= stepMs) || windowMs % stepMs !== 0) {
    throw new RangeError(`windowMs (${windowMs}) must be a positive multiple of stepMs (${stepMs})`);
  }
  if (!(maxGapMs >= 0)) throw new RangeError(`maxGapMs must be ≥ 0, got ${maxGapMs}`);
  if (!(Number.isInteger(minMoves) && minMoves >= 1)) throw new RangeError(`minMoves must be an integer ≥ 1`);
  if (!(trendEfficiency >= 0 && trendEfficiency <= 1))
    throw new RangeError(`trendEfficiency must be in [0, 1]`);
  const level = 'perSqrtSecond' in volatility ? volatility.perSqrtSecond : volatility.multipleOfMedian;
  if (!(level > 0)) throw new RangeError('the volatility threshold must be > 0');
  return Object.freeze(config);
}

/** Tags a price path. Points need not be sorted; non-finite or non-positive prices are ignored. */
export function tagRegimes(
  path: readonly PricePoint[],
  overrides: Partial<RegimeTagConfig> = {},
): RegimeTagSeries {
  const config = resolveRegimeTagConfig(overrides);
  const windows = measureWindows(path, config);
  const tagged = windows.filter((window) => window.moves >= config.minMoves);
  const threshold =
    'perSqrtSecond' in config.volatility
      ? config.volatility.perSqrtSecond
      : config.volatility.multipleOfMedian *
        median(tagged.map((window) => window.volatility).filter((volatility) => volatility > 0));
  for (const window of tagged) {
    if (window.volatility > threshold) window.tag = 'volatile';
    else if (window.efficiencyRatio >= config.trendEfficiency) window.tag = 'trending';
    else window.tag = 'ranging';
  }
  return new RegimeTagSeries(windows, config, threshold);
}

/**
 * A snapshot series as a price path: the mid, skipping NaN, and only the snapshots `inSession` accepts when
 * given. The engine snapshots every second through closed hours; pass the session filter (e.g.
 * `krxRegularSession`) so nights become gaps rather than flat, "ranging" windows.
 */
export function midPath(
  records: readonly { ts: number; mid: number }[],
  inSession?: (ts: number) => boolean,
): PricePoint[] {
  const points: PricePoint[] = [];
  for (const record of records) {
    if (!Number.isFinite(record.mid) || (inSession !== undefined && !inSession(record.ts))) continue;
    points.push({ ts: record.ts, price: record.mid });
  }
  return points;
}

interface WindowSums {
  moves: number;
  sumSquares: number;
  sumAbs: number;
  net: number;
}

/** Samples the path on the grid and sums each window's moves; every window holding a move appears, in time order. */
function measureWindows(path: readonly PricePoint[], config: Readonly<RegimeTagConfig>): RegimeWindow[] {
  const { windowMs, stepMs, maxGapMs } = config;
  const points = path.filter(
    (point) => Number.isFinite(point.ts) && Number.isFinite(point.price) && point.price > 0,
  );
  points.sort((a, b) => a.ts - b.ts);
  const sums = new Map<number, WindowSums>();
  if (points.length === 0) return [];
  let next = 0; // first point after the current grid time
  let previousLog = NaN; // log price at the previous present grid point (NaN when that point was missing)
  let grid = Math.ceil(points[0]!.ts / stepMs) * stepMs;
  const lastGrid = Math.floor(points[points.length - 1]!.ts / stepMs) * stepMs;
  while (grid <= lastGrid) {
    while (next < points.length && points[next]!.ts <= grid) next++;
    const latest = points[next - 1]!; // exists: the grid starts at or after the first point
    const following = points[next];
    const present = latest.ts === grid || (following !== undefined && following.ts - latest.ts <= maxGapMs);
    if (!present) {
      previousLog = NaN;
      if (following === undefined) break;
      // Skip the gap: the next present grid point is the first at or after the next observation.
      grid = Math.ceil(following.ts / stepMs) * stepMs;
      continue;
    }
    const log = Math.log(latest.price);
    if (!Number.isNaN(previousLog)) {
      const move = log - previousLog;
      const windowStart = Math.floor((grid - stepMs) / windowMs) * windowMs;
      let entry = sums.get(windowStart);
      if (entry === undefined) {
        entry = { moves: 0, sumSquares: 0, sumAbs: 0, net: 0 };
        sums.set(windowStart, entry);
      }
      entry.moves++;
      entry.sumSquares += move * move;
      entry.sumAbs += Math.abs(move);
      entry.net += move;
    }
    previousLog = log;
    grid += stepMs;
  }
  return [...sums.entries()].map(([startMs, entry]) => ({
    startMs,
    endMs: startMs + windowMs,
    tag: undefined,
    moves: entry.moves,
    volatility: Math.sqrt(entry.sumSquares / ((entry.moves * stepMs) / 1000)),
    efficiencyRatio: entry.sumAbs > 0 ? Math.abs(entry.net) / entry.sumAbs : 0,
    netMove: entry.net,
  }));
}

function median(values: readonly number[]): number {
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
