/**
 * Walk-forward folds over the trading days of a data set.
 *
 * The last `testDays` days are the out-of-sample test window: no tuning trial ever reads them. Before it,
 * `embargoDays` days are never measured (a gap between the last validation day and the test). The
 * remaining days hold the folds; each fold is `trainDays` days, then `embargoDays`, then `validateDays`.
 * Embargo days are gaps in what is measured, not in what is traded: a backtest runs through them, as a
 * live strategy would. Folds step forward by `validateDays`:
 *
 *   rolling    train windows keep their length:  [t t t] e [v] … then  [t t t] e [v] one step later
 *   expanding  train windows start at day 0 and grow
 *
 * With more room than `maxFolds` folds, the most recent `maxFolds` are kept. For a strategy without a
 * fitting step (A&S), "train" is the warm-up its estimators (σ, κ) and inventory run through before the
 * validation window is measured; a model-based strategy fits on it.
 */
import type { IsoDate } from '../market/kst.ts';

export interface WalkForwardConfig {
  mode: 'rolling' | 'expanding';
  trainDays: number;
  validateDays: number;
  /** Days left out between train and validate, and before the test window (default 0). */
  embargoDays: number;
  testDays: number;
  maxFolds?: number;
}

/** Trading days `from`..`to`, inclusive. */
export interface DayWindow {
  from: IsoDate;
  to: IsoDate;
  days: number;
}

export interface Fold {
  index: number;
  train: DayWindow;
  validate: DayWindow;
}

export interface WalkForwardPlan {
  folds: Fold[];
  test: DayWindow;
  /**
   * The `trainDays` days before the test window (and its embargo): the test run's warm-up. They may
   * include validation days (a warm-up is not measured), and in expanding mode they are `trainDays`, not
   * the folds' growing windows.
   */
  testWarmup: DayWindow;
}

export function planWalkForward(tradingDays: readonly IsoDate[], config: WalkForwardConfig): WalkForwardPlan {
  const { trainDays, validateDays, embargoDays, testDays } = config;
  for (const [name, value, min] of [
    ['trainDays', trainDays, 1],
    ['validateDays', validateDays, 1],
    ['embargoDays', embargoDays, 0],
    ['testDays', testDays, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
  const days = [...new Set(tradingDays)].sort();
  const needed = trainDays + embargoDays + validateDays + embargoDays + testDays;
  if (days.length < needed) {
    throw new RangeError(
      `walk-forward needs at least ${needed} trading days (train ${trainDays} + embargo ${embargoDays} + validate ` +
        `${validateDays} + embargo ${embargoDays} + test ${testDays}), the data has ${days.length}` +
        (days.length > 0 ? ` (${days[0]} to ${days.at(-1)})` : ''),
    );
  }
  const window = (start: number, length: number): DayWindow => ({
    from: days[start]!,
    to: days[start + length - 1]!,
    days: length,
  });
  const testStart = days.length - testDays;
  const tuningDays = testStart - embargoDays;
  const foldSpan = trainDays + embargoDays + validateDays;
  const count = Math.floor((tuningDays - foldSpan) / validateDays) + 1;
  const kept = config.maxFolds !== undefined ? Math.min(count, Math.max(1, config.maxFolds)) : count;
  const folds: Fold[] = [];
  for (let k = count - kept; k < count; k++) {
    const validateStart = trainDays + embargoDays + k * validateDays;
    const trainEnd = validateStart - embargoDays;
    const trainStart = config.mode === 'expanding' ? 0 : trainEnd - trainDays;
    folds.push({
      index: folds.length,
      train: window(trainStart, trainEnd - trainStart),
      validate: window(validateStart, validateDays),
    });
  }
  const warmupEnd = testStart - embargoDays;
  return {
    folds,
    test: window(testStart, testDays),
    testWarmup: window(warmupEnd - trainDays, trainDays),
  };
}
