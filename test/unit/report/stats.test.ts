import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../../../src/core/report/downsample.ts';
import { escapeHtml } from '../../../src/core/report/escape.ts';
import { formatNumber, formatPercent } from '../../../src/core/report/format.ts';
import {
  boxStats,
  downsideDeviation,
  expectedShortfall,
  mean,
  quantileOfSorted,
  sampleStd,
} from '../../../src/core/report/stats.ts';

describe('report statistics', () => {
  it('mean, sample s.d. and downside deviation of a tiny series', () => {
    const returns = [0.1, -0.1, 0.1];
    // mean 0.1 / 3; deviations 0.0667, −0.1333, 0.0667; squares sum 0.02667; / 2 = 0.01333; √ = 0.11547
    expect(mean(returns)).toBeCloseTo(0.0333333333, 10);
    expect(sampleStd(returns)).toBeCloseTo(0.1154700538, 10);
    // only −0.1 is below 0: √(0.01 / 3) = 0.057735 (divided by all 3 periods, not by the 1 loser)
    expect(downsideDeviation(returns)).toBeCloseTo(0.0577350269, 10);
    expect(sampleStd([1])).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it('expected shortfall puts a fractional weight on the boundary observation', () => {
    // 30 returns, α = 5 %: αn = 1.5 → −(worst + 0.5 × second worst) / 1.5 = −(−3 − 0.5) / 1.5 = 2.3333
    const thirty = [-3, -1, ...Array.from({ length: 28 }, () => 0)];
    expect(expectedShortfall(thirty, 0.95)).toBeCloseTo(3.5 / 1.5, 10);
    // 3 returns: αn = 0.15 < 1 → the worst value alone, as a positive loss
    expect(expectedShortfall([0.1, -0.1, 0.1], 0.95)).toBeCloseTo(0.1, 12);
    // 40 returns: αn = 2 → mean of the two worst: −(−4 − 2) / 2 = 3
    const forty = [-4, -2, -1, ...Array.from({ length: 37 }, () => 1)];
    expect(expectedShortfall(forty, 0.95)).toBeCloseTo(3, 10);
    expect(expectedShortfall([], 0.95)).toBeNaN();
    expect(() => expectedShortfall([1], 1)).toThrow(RangeError);
  });

  it('quantiles interpolate between order statistics (type 7)', () => {
    // positions (n − 1) q: 0.75 → 1 + 0.75 × (2 − 1) = 1.75; 1.5 → 2.5; 2.25 → 3.25
    expect([0.25, 0.5, 0.75].map((q) => quantileOfSorted([1, 2, 3, 4], q))).toEqual([1.75, 2.5, 3.25]);
    expect(boxStats([4, 1, 3, 2])).toEqual({
      count: 4,
      min: 1,
      q1: 1.75,
      median: 2.5,
      q3: 3.25,
      max: 4,
      mean: 2.5,
    });
  });
});

describe('report formatting and escaping', () => {
  it('formats without a locale', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(-51.2)).toBe('−51.20');
    expect(formatNumber(-0.001)).toBe('0.00');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatPercent(0.0512)).toBe('5.12 %');
  });

  it('escapes the five characters that end HTML text or attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('min–max downsampling', () => {
  it('returns short series unchanged and bounds long ones', () => {
    const short = [1, 2, 3];
    expect(downsampleMinMax(short, 2_000, (v) => v)).toEqual(short);
    const long = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 50));
    expect(downsampleMinMax(long, 2_000, (v) => v).length).toBeLessThanOrEqual(2_000);
  });

  it('keeps a one-point spike and a gap that striding would lose', () => {
    const values = Array.from({ length: 10_000 }, () => 0);
    values[5_123] = 100;
    values[7_001] = Number.NaN;
    const kept = downsampleMinMax(
      values.map((value, index) => ({ index, value })),
      300,
      (point) => point.value,
    );
    expect(kept.length).toBeLessThanOrEqual(300);
    expect(kept.some((point) => point.index === 5_123)).toBe(true);
    expect(kept.some((point) => point.index === 7_001)).toBe(true);
    // still in the original order
    expect(kept.every((point, i) => i === 0 || point.index > kept[i - 1]!.index)).toBe(true);
  });
});
