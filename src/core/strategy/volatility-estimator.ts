/**
 * σ of the mid: the standard deviation of its simple returns sampled on a fixed clock (Seed B: "σ = std
 * of the last 20 simple returns").
 *
 * Sampling. The mid is sampled at every multiple of `sampleIntervalMs` since the epoch (1 s → every
 * second; 60 s → on the minute, the grid of the feature module's bars, so a 60 s / 20-return σ is the
 * f_vol_20 of the mid). The value at a boundary is the latest mid observed at or before it, so a quiet
 * spell contributes zero returns, exactly as an empty minute carries its close forward in bars.ts. A
 * clock sample, not a per-event one, keeps σ's time unit fixed however busy the market is.
 *
 * Estimates. `window`: the sample standard deviation (divisor n − 1, two-pass) of the last `window`
 * returns. `ewma`: a RiskMetrics-style zero-mean EWMA of squared returns with a half-life in samples,
 * started from the prior. Both report σ per sample; callers rescale by √(unit / interval).
 *
 * `restart()` forgets the last sample but keeps the returns, so no return spans a break (KRX's overnight
 * gap: the session mode restarts at each new session and yesterday's returns stay as today's start).
 */
import { RingBuffer, sampleStd } from '../features/rolling.ts';

export interface VolatilityConfig {
  /** Clock of the mid samples, ms (boundaries at multiples of it since the epoch). */
  sampleIntervalMs: number;
  /** Returns in the window (Seed B: 20). */
  window: number;
  /** 'window': std of the last `window` returns; 'ewma': exponentially weighted. */
  method: 'window' | 'ewma';
  /** EWMA half-life, in samples. */
  ewmaHalfLifeSamples: number;
  /** Returns needed before the estimate replaces the prior (an integer in [2, window]). */
  minReturns: number;
  /** σ per sample used until then (and the EWMA's starting point), a standard deviation of simple returns. */
  priorPerSample: number;
}

export class ClockSampledVolatility {
  private readonly config: VolatilityConfig;
  private readonly returns: RingBuffer;
  private readonly ewmaDecay: number;
  /** Next clock boundary to sample; NaN before the first observation or after a restart. */
  private nextBoundary = NaN;
  private lastMid = NaN;
  private lastSample = NaN;
  private lastMs = -Infinity;
  private seen = 0;
  private ewmaVariance: number;
  private cached = NaN;
  private dirty = false;

  constructor(config: VolatilityConfig) {
    const { sampleIntervalMs, window, minReturns, ewmaHalfLifeSamples } = config;
    if (!(sampleIntervalMs > 0)) throw new RangeError(`sampleIntervalMs ${sampleIntervalMs} must be > 0`);
    if (!Number.isInteger(window) || window < 2)
      throw new RangeError(`window ${window} must be an integer ≥ 2`);
    if (!Number.isInteger(minReturns) || minReturns < 2 || minReturns > window) {
      throw new RangeError(`minReturns ${minReturns} must be an integer in [2, window]`);
    }
    if (!(ewmaHalfLifeSamples > 0)) throw new RangeError(`ewmaHalfLifeSamples must be > 0`);
    if (!(config.priorPerSample >= 0)) throw new RangeError(`priorPerSample must be ≥ 0`);
    this.config = config;
    this.returns = new RingBuffer(window);
    this.ewmaDecay = Math.pow(0.5, 1 / ewmaHalfLifeSamples);
    this.ewmaVariance = config.priorPerSample * config.priorPerSample;
  }

  /** Returns recorded so far (capped at the window for 'window'). */
  get count(): number {
    return this.config.method === 'window' ? this.returns.length : this.seen;
  }

  /** Whether enough returns have been seen to use the estimate instead of the prior. */
  get ready(): boolean {
    return this.count >= this.config.minReturns;
  }

  /** The mid `mid` is in force from `ms` on. Observations must come in time order (older ones are ignored). */
  observe(ms: number, mid: number): void {
    if (!(mid > 0) || ms < this.lastMs) return;
    const interval = this.config.sampleIntervalMs;
    if (Number.isNaN(this.nextBoundary)) {
      this.nextBoundary = Math.ceil(ms / interval) * interval;
    } else {
      // Boundaries before `ms` saw the previous mid. After `window` of them every further one adds a
      // zero return the window already holds only zeros of, so a long gap costs at most `window` steps.
      let steps = 0;
      const cap = this.config.window + 1;
      while (this.nextBoundary < ms && steps < cap) {
        this.sample(this.lastMid);
        this.nextBoundary += interval;
        steps++;
      }
      if (this.nextBoundary < ms) {
        if (this.config.method === 'ewma')
          this.decayZeroReturns(Math.floor((ms - this.nextBoundary) / interval));
        this.nextBoundary = Math.ceil(ms / interval) * interval;
      }
    }
    if (this.nextBoundary === ms) {
      this.sample(mid);
      this.nextBoundary += interval;
    }
    this.lastMid = mid;
    this.lastMs = ms;
  }

  /** Starts a new series: the next return is measured from the next sample, not across the break. */
  restart(): void {
    this.nextBoundary = NaN;
    this.lastMid = NaN;
    this.lastSample = NaN;
    this.lastMs = -Infinity;
  }

  /**
   * σ per sample interval (a standard deviation of simple returns); the prior until `ready`. For 'ewma'
   * the prior also seeds the average, so it fades with the half-life rather than vanishing at once.
   */
  sigmaPerSample(): number {
    if (!this.ready) return this.config.priorPerSample;
    if (this.config.method === 'ewma') return Math.sqrt(this.ewmaVariance);
    if (this.dirty) {
      this.cached = sampleStd(this.returns);
      this.dirty = false;
    }
    return this.cached;
  }

  private sample(value: number): void {
    if (Number.isFinite(this.lastSample)) this.pushReturn(value / this.lastSample - 1);
    this.lastSample = value;
  }

  private pushReturn(r: number): void {
    this.seen++;
    if (this.config.method === 'window') {
      this.returns.push(r);
      this.dirty = true;
    } else {
      this.ewmaVariance = this.ewmaDecay * this.ewmaVariance + (1 - this.ewmaDecay) * r * r;
    }
  }

  private decayZeroReturns(n: number): void {
    if (n <= 0) return;
    this.seen += n;
    this.ewmaVariance *= Math.pow(this.ewmaDecay, n);
  }
}
