/**
 * What the signal strategy asks a model: a number from one minute's features. The contract is the
 * forward simple return of the premium over the model's label horizon (`y_fwd_ret_5` for the baseline),
 * NaN meaning "no opinion" (warm-up, missing inputs). The ONNX model from the registry plugs in behind
 * the same interface later; a precomputed prediction series (e.g. a walk-forward fold's out-of-sample
 * output) plugs in through `SeriesPredictor`.
 */
import type { FeatureRow } from '../features/features.ts';
import type { FeatureName } from '../features/spec.ts';

export interface Predictor {
  readonly name: string;
  /** Predicted forward return for the bar these features close; NaN for no opinion. */
  predict(features: Readonly<FeatureRow>): number;
}

/**
 * intercept + Σ coefficient·feature. A feature still in warm-up (null) makes the prediction NaN rather
 * than being read as 0.
 */
export class LinearPredictor implements Predictor {
  readonly name: string;
  private readonly names: FeatureName[];
  private readonly weights: number[];
  private readonly intercept: number;

  constructor(name: string, coefficients: Partial<Record<FeatureName, number>>, intercept = 0) {
    this.name = name;
    this.names = [];
    this.weights = [];
    for (const [feature, weight] of Object.entries(coefficients) as Array<[FeatureName, number]>) {
      if (!Number.isFinite(weight)) throw new RangeError(`coefficient of ${feature} must be finite`);
      this.names.push(feature);
      this.weights.push(weight);
    }
    this.intercept = intercept;
  }

  predict(features: Readonly<FeatureRow>): number {
    let sum = this.intercept;
    for (let i = 0; i < this.names.length; i++) {
      const value = features[this.names[i]!];
      if (value === null) return NaN;
      sum += this.weights[i]! * value;
    }
    return sum;
  }
}

/**
 * The baseline until a trained model exists: 5-minute momentum, predicting that the next five minutes'
 * return of the premium equals the last five minutes' (y_fwd_ret_5 ≈ f_ret_5). It is a placeholder that
 * exercises the whole path (features → prediction → threshold → order), not a claim of an edge; the
 * mean-reversion alternative on bid–ask bounce is `new LinearPredictor('reversal-1m', { f_ret_1: -1 })`.
 */
export function momentumBaseline(): Predictor {
  return new LinearPredictor('momentum-f_ret_5', { f_ret_5: 1 });
}

/** Predictions looked up by the features' `asof_ts` (the end of the bar); a missing one is NaN. */
export class SeriesPredictor implements Predictor {
  readonly name: string;
  private readonly series: { at(asofTs: number): number | undefined };

  constructor(name: string, series: { at(asofTs: number): number | undefined }) {
    this.name = name;
    this.series = series;
  }

  predict(features: Readonly<FeatureRow>): number {
    return this.series.at(features.asof_ts) ?? NaN;
  }
}
