/**
 * The engine's own volatility estimate, for the trade log and snapshots when the strategy reports none:
 * σ of the mid in price units per √second, from the mid sampled at the end of every second, as an
 * exponentially weighted mean of squared one-second changes (half-life in seconds). Seconds where the mid
 * is unknown are skipped. NaN until two mids have been seen.
 */
export class SecondVolatility {
  private readonly decay: number;
  private lastMid = NaN;
  private variance = NaN;

  constructor(halfLifeSeconds: number) {
    this.decay = Math.pow(0.5, 1 / halfLifeSeconds);
  }

  get sigma(): number {
    return Math.sqrt(this.variance);
  }

  /** The mid at the end of one more second. */
  onSecond(mid: number): void {
    if (mid !== mid) return;
    const last = this.lastMid;
    this.lastMid = mid;
    if (last !== last) return;
    const change = mid - last;
    const squared = change * change;
    this.variance =
      this.variance === this.variance ? this.decay * this.variance + (1 - this.decay) * squared : squared;
  }
}
