/**
 * Downsampling for charts: at most `maxPoints` items per series, keeping what the eye looks for.
 *
 * Min–max decimation: the series (in x order) is cut into equal-count buckets and each bucket keeps its
 * lowest and highest value, in their original order, so spikes and the envelope survive (plain striding
 * would drop a one-second spike with high probability). A bucket that also holds a gap (a NaN value, e.g.
 * no quote) keeps its first gap too, so a line chart still breaks there; that is why a bucket may keep
 * three items and buckets number ⌊maxPoints / 3⌋.
 */
export function downsampleMinMax<T>(
  items: readonly T[],
  maxPoints: number,
  valueOf: (item: T) => number,
): T[] {
  if (!(Number.isInteger(maxPoints) && maxPoints >= 3))
    throw new RangeError(`maxPoints ${maxPoints} must be an integer ≥ 3`);
  if (items.length <= maxPoints) return [...items];
  const buckets = Math.floor(maxPoints / 3);
  const kept: T[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const from = Math.floor((bucket * items.length) / buckets);
    const to = Math.floor(((bucket + 1) * items.length) / buckets);
    let low = -1;
    let high = -1;
    let gap = -1;
    for (let i = from; i < to; i++) {
      const value = valueOf(items[i]!);
      if (Number.isNaN(value)) {
        if (gap < 0) gap = i;
      } else {
        if (low < 0 || value < valueOf(items[low]!)) low = i;
        if (high < 0 || value > valueOf(items[high]!)) high = i;
      }
    }
    const picks = [...new Set([low, high, gap].filter((index) => index >= 0))].sort((a, b) => a - b);
    for (const index of picks) kept.push(items[index]!);
  }
  return kept;
}
