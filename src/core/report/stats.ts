/**
 * Small descriptive statistics for run reports. Every function sums in array order, so a report is a
 * pure function of its inputs (bit for bit across machines and reruns). Empty inputs give NaN, never a
 * throw: a run with no trades still gets a report.
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample standard deviation (divisor n − 1), two-pass; NaN below 2 values. */
export function sampleStd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const centre = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - centre) ** 2;
  return Math.sqrt(squares / (n - 1));
}

/**
 * Downside deviation below a target of 0 (Sortino & Price): √(Σ min(r, 0)² / n), over all n periods,
 * not only the losing ones, so it is comparable with the standard deviation.
 */
export function downsideDeviation(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let squares = 0;
  for (const value of values) if (value < 0) squares += value * value;
  return Math.sqrt(squares / values.length);
}

/**
 * Historical expected shortfall (CVaR) at confidence `level` (0.95 → the worst 5 %), as a positive loss:
 * −(1 / (αn)) · (sum of the ⌊αn⌋ worst values + (αn − ⌊αn⌋) · the next worst), α = 1 − level (Acerbi &
 * Tasche 2002). The fractional weight on the boundary value keeps the estimate continuous in n instead of
 * jumping each time αn crosses an integer; when αn < 1 it is the single worst value.
 */
export function expectedShortfall(values: readonly number[], level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} must be in (0, 1)`);
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const tail = (1 - level) * n;
  const whole = Math.floor(tail);
  let sum = 0;
  for (let i = 0; i < whole; i++) sum += sorted[i]!;
  const fraction = tail - whole;
  if (fraction > 0) sum += fraction * sorted[whole]!;
  return -sum / tail;
}

/** Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan type 7). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** What a box plot draws: min, quartiles (type 7), median, max, mean and the count. */
export interface BoxStats {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
}

export function boxStats(values: readonly number[]): BoxStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted.length > 0 ? sorted[0]! : NaN,
    q1: quantileOfSorted(sorted, 0.25),
    median: quantileOfSorted(sorted, 0.5),
    q3: quantileOfSorted(sorted, 0.75),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
    mean: mean(sorted),
  };
}
