/**
 * Fixed-size rolling windows for the per-code feature state. Every statistic is recomputed from the
 * window's contents (oldest to newest) instead of being kept as running sums: the cost per bar is bounded
 * by the window size (≤ 21 values), and a feature becomes a pure function of the last W bars. That is what
 * lets a live agent restarted mid-day rebuild its state from the last bars and still agree bit for bit
 * with the offline replay; running sums would carry the rounding history of the whole day.
 */
export class RingBuffer {
  private readonly values: Float64Array;
  private start = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity ${capacity} must be ≥ 1`);
    this.values = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.values.length;
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.values.length;
  }

  /** Appends a value, dropping the oldest when full. */
  push(value: number): void {
    const capacity = this.values.length;
    if (this.count < capacity) {
      this.values[(this.start + this.count) % capacity] = value;
      this.count++;
    } else {
      this.values[this.start] = value;
      this.start = (this.start + 1) % capacity;
    }
  }

  /** The value `lag` pushes ago: 0 is the newest. */
  back(lag: number): number {
    if (!Number.isInteger(lag) || lag < 0 || lag >= this.count) {
      throw new RangeError(`lag ${lag} is outside a window holding ${this.count} values`);
    }
    return this.values[(this.start + this.count - 1 - lag) % this.values.length]!;
  }

  /** The value `index` places from the oldest. */
  at(index: number): number {
    return this.back(this.count - 1 - index);
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}

/**
 * Sample standard deviation (divisor n − 1) of the window, two-pass (mean first, then squared
 * deviations), summing oldest to newest so the result depends only on the window's contents.
 */
export function sampleStd(window: RingBuffer): number {
  const n = window.length;
  if (n < 2) throw new RangeError(`a sample standard deviation needs 2 values, not ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += window.at(i);
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const deviation = window.at(i) - mean;
    squares += deviation * deviation;
  }
  return Math.sqrt(squares / (n - 1));
}

export function windowMax(window: RingBuffer): number {
  let max = -Infinity;
  for (let i = 0; i < window.length; i++) max = Math.max(max, window.at(i));
  return max;
}

export function windowMin(window: RingBuffer): number {
  let min = Infinity;
  for (let i = 0; i < window.length; i++) min = Math.min(min, window.at(i));
  return min;
}
