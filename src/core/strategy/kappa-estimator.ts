/**
 * κ (and A) of the fill intensity λ(δ) = A·e^(−κδ) from the market's own trades.
 *
 * The model: a trade lands at distance d = |price − mid| / mid from the mid it met (A&S's reading: a
 * market order walks the book to depth d), and the rate of trades at distance ≥ δ is A·e^(−κδ), i.e. the
 * distances are exponential with rate κ and A is the trade rate. Distances are fractions of the mid, so κ
 * is per fraction of the mid, the unit of Seed B's presets (κ = 1000: a mean distance of 0.1 %).
 *
 * Fit: the maximum-likelihood estimate of an exponential rate is n / Σd; it is warm-started from the
 * configured κ₀ as a Gamma(n₀, n₀/κ₀) prior (n₀ pseudo-trades at mean distance 1/κ₀), whose posterior mean
 *
 *     κ̂ = (n₀ + n) / (n₀/κ₀ + Σd)
 *
 * is κ₀ with no data and tends to the MLE as trades accumulate: there is no switch-over at which quoting
 * could stall or jump. The estimate is clamped to [κ_min, κ_max]. The last `windowTrades` distances are
 * kept in a ring, so the fit tracks the market.
 *
 * Reference mid: the trade's `midBefore`. On trade-only data (KRX ticks) the engine's mid is the last
 * trade price, so the distance is the move from the previous print (it includes the bid–ask bounce);
 * when `midBefore` is unknown (NaN) the previous trade seen here stands in for it. Known limits: on a
 * book market every trade is at least half the market spread from the mid, an offset this unshifted fit
 * folds into κ; on a coarse grid (a 0.03 option's tick is a third of its price) distances are discrete.
 */

export interface KappaEstimatorConfig {
  /** Whether to fit κ at all; when false the configured (or regime) κ is used as is. */
  enabled: boolean;
  /** Trades kept for the fit. */
  windowTrades: number;
  /** Weight of the configured κ, in pseudo-trades (n₀). */
  priorTrades: number;
  /** Bounds of the estimate, per fraction of the mid. */
  min: number;
  max: number;
}

export class TradeDistanceKappa {
  private readonly config: KappaEstimatorConfig;
  private readonly distances: Float64Array;
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;
  private sum = 0;
  private lastPrice = NaN;

  constructor(config: KappaEstimatorConfig) {
    const { windowTrades, priorTrades, min, max } = config;
    if (!Number.isInteger(windowTrades) || windowTrades < 1) {
      throw new RangeError(`windowTrades ${windowTrades} must be an integer ≥ 1`);
    }
    if (!(priorTrades > 0)) throw new RangeError(`priorTrades ${priorTrades} must be > 0`);
    if (!(min > 0) || !(max >= min))
      throw new RangeError(`κ bounds [${min}, ${max}] must satisfy 0 < min ≤ max`);
    this.config = config;
    this.distances = new Float64Array(windowTrades);
    this.times = new Float64Array(windowTrades);
  }

  /** Trades in the window. */
  get count(): number {
    return this.size;
  }

  /** One market trade (in time order). */
  observe(ts: number, price: number, midBefore: number): void {
    if (!(price > 0)) return;
    const reference = midBefore > 0 ? midBefore : this.lastPrice;
    this.lastPrice = price;
    if (!(reference > 0)) return;
    const distance = Math.abs(price - reference) / reference;
    const capacity = this.distances.length;
    if (this.size === capacity) this.sum -= this.distances[this.head]!;
    else this.size++;
    this.distances[this.head] = distance;
    this.times[this.head] = ts;
    this.sum += distance;
    this.head = (this.head + 1) % capacity;
    // A running sum drifts by rounding; re-adding the window once per lap keeps it exact enough forever.
    if (this.head === 0) this.resum();
  }

  /** The posterior-mean κ for a prior κ₀ (the configured or regime κ), clamped to the bounds. */
  kappa(prior: number): number {
    const { priorTrades, min, max } = this.config;
    const estimate = (priorTrades + this.size) / (priorTrades / prior + this.sum);
    return Math.min(max, Math.max(min, estimate));
  }

  /** A: trades per second over the window (the intensity at distance 0); NaN until two trades span time. */
  arrivalRatePerSecond(): number {
    if (this.size < 2) return NaN;
    const capacity = this.distances.length;
    const newest = this.times[(this.head - 1 + capacity) % capacity]!;
    const oldest = this.times[(this.head - this.size + capacity) % capacity]!;
    return newest > oldest ? ((this.size - 1) * 1000) / (newest - oldest) : NaN;
  }

  private resum(): void {
    let sum = 0;
    for (let i = 0; i < this.size; i++) sum += this.distances[i]!;
    this.sum = sum;
  }
}
