import { describe, expect, it } from 'vitest';
import { SyntheticMarket, tradingDaysFrom } from '../../../src/core/synth/generate-day.ts';
import { LABELS_HEADER } from '../../../src/core/synth/labels.ts';
import { Random } from '../../../src/core/math/random.ts';
import {
  DWELL,
  REGIMES,
  RegimeProcess,
  TRANSITIONS,
  dwellCdf,
  sampleDwellMinutes,
} from '../../../src/core/synth/regimes.ts';
import type { Regime } from '../../../src/core/synth/regimes.ts';
import { runInMemory, text } from './in-memory-run.ts';

/** Kolmogorov–Smirnov distance between sample and the stated discrete CDF, over every whole minute. */
function ksDistance(sample: number[], cdf: (minutes: number) => number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  let worst = 0;
  let below = 0;
  for (let d = DWELL.minMinutes - 1; d <= DWELL.maxMinutes; d++) {
    while (below < sorted.length && sorted[below]! <= d) below++;
    worst = Math.max(worst, Math.abs(below / sorted.length - cdf(d)));
  }
  return worst;
}

/** 5 % critical value of the KS statistic for n observations. */
const ksCritical = (n: number) => 1.36 / Math.sqrt(n);

describe('regime dwell times', () => {
  it.each(REGIMES)('%s dwell times follow 15 + floor(Gamma(2, θ)), capped at 360', (regime) => {
    const rng = Random.derive('dwell', regime);
    const sample = Array.from({ length: 20_000 }, () => sampleDwellMinutes(regime, rng));
    expect(Math.min(...sample)).toBeGreaterThanOrEqual(DWELL.minMinutes);
    expect(Math.max(...sample)).toBeLessThanOrEqual(DWELL.maxMinutes);
    const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
    let exactMean = 0;
    for (let d = DWELL.minMinutes; d <= DWELL.maxMinutes; d++)
      exactMean += d * (dwellCdf(regime, d) - dwellCdf(regime, d - 1));
    // Gamma(2, θ) has s.d. θ·√2: four standard errors of the sample mean.
    expect(Math.abs(mean - exactMean)).toBeLessThan(
      (4 * DWELL.gammaScaleMinutes[regime] * Math.SQRT2) / Math.sqrt(sample.length),
    );
    expect(ksDistance(sample, (d) => dwellCdf(regime, d))).toBeLessThan(ksCritical(sample.length));
  });

  it('the chain switches with the stated transitions and the spells it produces have the stated lengths', () => {
    const chain = new RegimeProcess(Random.derive('chain'));
    const spells: Array<{ regime: Regime; length: number }> = [];
    let current = chain.next();
    let length = 1;
    for (let minute = 1; minute < 2_000_000; minute++) {
      const regime = chain.next();
      if (regime === current) length++;
      else {
        spells.push({ regime: current, length });
        current = regime;
        length = 1;
      }
    }
    const complete = spells.slice(1); // the first spell may have started before minute 0 of the sample
    const transitions = new Map<string, number>();
    for (let i = 1; i < complete.length; i++) {
      const key = `${complete[i - 1]!.regime}>${complete[i]!.regime}`;
      transitions.set(key, (transitions.get(key) ?? 0) + 1);
    }
    for (const from of REGIMES) {
      const total = REGIMES.reduce((sum, to) => sum + (transitions.get(`${from}>${to}`) ?? 0), 0);
      for (const to of REGIMES) {
        const share = (transitions.get(`${from}>${to}`) ?? 0) / total;
        expect(Math.abs(share - TRANSITIONS[from][to]), `${from} → ${to}`).toBeLessThan(0.02);
      }
      const lengths = complete.filter((s) => s.regime === from).map((s) => s.length);
      expect(
        ksDistance(lengths, (d) => dwellCdf(from, d)),
        from,
      ).toBeLessThan(ksCritical(lengths.length));
    }
  });
});

describe('regime labels', () => {
  // 2025-12-10 to 12: a regular day, the December expiry day (15:20 close), the day after the roll.
  const { files } = runInMemory({ seed: 'labels', start: '2025-12-10', days: 3 });

  it('label every session minute once, open to close inclusive', () => {
    const expectedMinutes = { '20251210': 421, '20251211': 396, '20251212': 421 } as Record<string, number>;
    for (const [compact, count] of Object.entries(expectedMinutes)) {
      const lines = text(files.get(`labels_${compact}.csv`))
        .trimEnd()
        .split('\n');
      expect(lines[0]).toBe(LABELS_HEADER);
      const rows = lines.slice(1).map((line) => line.split(','));
      expect(rows).toHaveLength(count);
      const minutes = rows.map((r) => r[1]!);
      expect(minutes[0]).toBe('08:45');
      expect(minutes.at(-1)).toBe(compact === '20251211' ? '15:20' : '15:45');
      for (let i = 1; i < minutes.length; i++) {
        const [h0, m0] = minutes[i - 1]!.split(':').map(Number) as [number, number];
        const [h1, m1] = minutes[i]!.split(':').map(Number) as [number, number];
        expect(h1 * 60 + m1 - (h0 * 60 + m0)).toBe(1);
      }
      for (const [date, , regime, close] of rows) {
        expect(date).toBe(`${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6)}`);
        expect(REGIMES).toContain(regime);
        expect(Number(close)).toBeGreaterThan(100);
      }
    }
  });

  it('never appear in the XML', () => {
    for (const [name, bytes] of files) {
      if (!name.endsWith('.xml')) continue;
      const xml = text(bytes);
      for (const word of [...REGIMES, 'regime', 'label'])
        expect(xml.includes(word), `${word} in ${name}`).toBe(false);
    }
  });

  it('carry spells over the night: the first minute of a day continues the previous close’s spell or starts a new one of ≥ 15 minutes', () => {
    const market = new SyntheticMarket({ seed: 'overnight' });
    const series: Regime[] = [];
    for (const date of tradingDaysFrom('2025-03-03', 30))
      series.push(
        ...market
          .day(date)
          .labels()
          .map((l) => l.regime),
      );
    const runs: number[] = [];
    let length = 1;
    for (let i = 1; i < series.length; i++) {
      if (series[i] === series[i - 1]) length++;
      else {
        runs.push(length);
        length = 1;
      }
    }
    // The first run may be cut by the start of the sample; every other completed run is a whole spell.
    expect(Math.min(...runs.slice(1))).toBeGreaterThanOrEqual(DWELL.minMinutes);
  });
});

describe('regime detectability from 1-minute bars', () => {
  it('a naive trailing-window detector labels at least 70 % of minutes correctly', () => {
    const market = new SyntheticMarket({ seed: 'detector' });
    const logCloses: number[] = [];
    const truth: Regime[] = [];
    for (const date of tradingDaysFrom('2025-01-02', 40)) {
      for (const label of market.day(date).labels()) {
        logCloses.push(Math.log(label.close));
        truth.push(label.regime);
      }
    }
    // Over the last 15 one-minute returns: volatile when their s.d. exceeds 0.06 %, else a trend when
    // the window's move exceeds 1.5 s.d. of its sum, else range. No tuning on the labels beyond that.
    const window = 15;
    let correct = 0;
    let scored = 0;
    for (let m = window; m < logCloses.length; m++) {
      const returns = Array.from(
        { length: window },
        (_, i) => logCloses[m - window + i + 1]! - logCloses[m - window + i]!,
      );
      const mean = returns.reduce((a, b) => a + b, 0) / window;
      const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (window - 1));
      const t = (logCloses[m]! - logCloses[m - window]!) / (sd * Math.sqrt(window));
      const guess: Regime = sd > 6e-4 ? 'volatile' : t > 1.5 ? 'trend_up' : t < -1.5 ? 'trend_down' : 'range';
      if (guess === truth[m]) correct++;
      scored++;
    }
    const accuracy = correct / scored;
    console.log(`naive trailing detector: ${(accuracy * 100).toFixed(1)} % of ${scored} minutes`);
    expect(accuracy).toBeGreaterThanOrEqual(0.7);
  });
});
