import { describe, expect, it } from 'vitest';
import { planWalkForward } from '../../../src/core/research/walk-forward.ts';

const days = (n: number) => Array.from({ length: n }, (_, i) => `2025-12-${String(i + 1).padStart(2, '0')}`);

describe('walk-forward folds', () => {
  it('rolls train and validate windows forward and keeps the last days for the test', () => {
    const plan = planWalkForward(days(8), {
      mode: 'rolling',
      trainDays: 2,
      validateDays: 1,
      embargoDays: 0,
      testDays: 2,
    });
    expect(plan.test).toEqual({ from: '2025-12-07', to: '2025-12-08', days: 2 });
    expect(plan.testWarmup).toEqual({ from: '2025-12-05', to: '2025-12-06', days: 2 });
    expect(plan.folds.map((f) => [f.train.from, f.train.to, f.validate.from, f.validate.to])).toEqual([
      ['2025-12-01', '2025-12-02', '2025-12-03', '2025-12-03'],
      ['2025-12-02', '2025-12-03', '2025-12-04', '2025-12-04'],
      ['2025-12-03', '2025-12-04', '2025-12-05', '2025-12-05'],
      ['2025-12-04', '2025-12-05', '2025-12-06', '2025-12-06'],
    ]);
  });

  it('never lets a fold touch the test window or its embargo', () => {
    for (let n = 9; n <= 20; n++) {
      for (const mode of ['rolling', 'expanding'] as const) {
        const plan = planWalkForward(days(n), {
          mode,
          trainDays: 3,
          validateDays: 2,
          embargoDays: 1,
          testDays: 2,
        });
        const lastValidated = plan.folds.at(-1)!.validate.to;
        // One embargo day between the last validation day and the test window.
        expect(days(n).indexOf(plan.test.from) - days(n).indexOf(lastValidated)).toBeGreaterThanOrEqual(2);
        for (const fold of plan.folds) {
          expect(days(n).indexOf(fold.validate.from) - days(n).indexOf(fold.train.to)).toBe(2);
          expect(fold.validate.days).toBe(2);
          if (mode === 'rolling') expect(fold.train.days).toBe(3);
          else expect(fold.train.from).toBe('2025-12-01');
        }
      }
    }
  });

  it('keeps the most recent folds when asked for fewer, and grows train windows when expanding', () => {
    const plan = planWalkForward(days(10), {
      mode: 'expanding',
      trainDays: 2,
      validateDays: 1,
      embargoDays: 0,
      testDays: 1,
      maxFolds: 2,
    });
    expect(plan.folds.map((f) => [f.train.days, f.validate.from])).toEqual([
      [7, '2025-12-08'],
      [8, '2025-12-09'],
    ]);
    expect(plan.folds.map((f) => f.index)).toEqual([0, 1]);
  });

  it('ignores duplicate and unsorted days, and says what is missing when there are too few', () => {
    const plan = planWalkForward(['2025-12-03', '2025-12-01', '2025-12-02', '2025-12-01', '2025-12-04'], {
      mode: 'rolling',
      trainDays: 2,
      validateDays: 1,
      embargoDays: 0,
      testDays: 1,
    });
    expect(plan.folds).toHaveLength(1);
    expect(plan.test.from).toBe('2025-12-04');
    expect(() =>
      planWalkForward(days(4), {
        mode: 'rolling',
        trainDays: 2,
        validateDays: 1,
        embargoDays: 1,
        testDays: 1,
      }),
    ).toThrow(
      'walk-forward needs at least 6 trading days (train 2 + embargo 1 + validate 1 + embargo 1 + test 1), the data has 4 (2025-12-01 to 2025-12-04)',
    );
    expect(() =>
      planWalkForward(days(9), {
        mode: 'rolling',
        trainDays: 0,
        validateDays: 1,
        embargoDays: 0,
        testDays: 1,
      }),
    ).toThrow('trainDays must be an integer ≥ 1, got 0');
  });
});
