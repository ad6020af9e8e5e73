import { describe, expect, it } from 'vitest';
import { midPath, resolveRegimeTagConfig, tagRegimes } from '../../../src/core/report/regime-tags.ts';
import type { PricePoint } from '../../../src/core/report/regime-tags.ts';
import { Random } from '../../../src/core/math/random.ts';

const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;
/** A window-aligned start (a multiple of 15 minutes since the epoch). */
const START = Date.UTC(2026, 0, 5, 0, 0, 0);

/** One point a second over [from, from + seconds), prices from f(seconds since from). */
function path(from: number, seconds: number, price: (t: number) => number): PricePoint[] {
  return Array.from({ length: seconds }, (_, t) => ({ ts: from + t * 1000, price: price(t) }));
}

/** A straight line from 100 up 3 over an hour (+1 s so the last window's end point exists). */
const line = path(START, 3_601, (t) => 100 + (3 * t) / 3_600);
/** 100 + sin with a 5-minute period: every 15-minute window holds 3 whole periods and ends where it began. */
const sine = path(START, 3_601, (t) => 100 + Math.sin((2 * Math.PI * t) / 300));

function randomWalk(
  from: number,
  seconds: number,
  startPrice: number,
  perSecond: number,
  seed: string,
): PricePoint[] {
  const random = Random.derive('regime-tags test', seed);
  let log = Math.log(startPrice);
  return Array.from({ length: seconds }, (_, t) => {
    if (t > 0) log += perSecond * random.normal();
    return { ts: from + t * 1000, price: Math.exp(log) };
  });
}

describe('post-hoc regime tags', () => {
  it('tags a straight line trending (efficiency ratio 1)', () => {
    const tags = tagRegimes(line);
    expect(tags.windows.map((w) => w.tag)).toEqual(['trending', 'trending', 'trending', 'trending']);
    // every minute move is up, so |Σ r| = Σ |r|
    expect(tags.windows.every((w) => Math.abs(w.efficiencyRatio - 1) < 1e-12 && w.moves === 15)).toBe(true);
    expect(tags.windows.every((w) => w.netMove > 0)).toBe(true);
  });

  it('tags a sine ranging (it ends each window where it began)', () => {
    const tags = tagRegimes(sine);
    expect(tags.windows.map((w) => w.tag)).toEqual(['ranging', 'ranging', 'ranging', 'ranging']);
    expect(tags.windows.every((w) => w.efficiencyRatio < 1e-9)).toBe(true);
  });

  it('tags a high-volatility random walk volatile against an absolute threshold, and the calm paths not', () => {
    // 0.2 % per √second: about 1.5 % a minute. Threshold 0.05 % per √second.
    const walk = randomWalk(START, 3_601, 100, 0.002, 'walk');
    const threshold = { volatility: { perSqrtSecond: 0.0005 } };
    const tags = tagRegimes(walk, threshold);
    expect(tags.windows.map((w) => w.tag)).toEqual(['volatile', 'volatile', 'volatile', 'volatile']);
    expect(tags.volatilityThreshold).toBe(0.0005);
    // The line moves 0.05 % a minute: σ = √(15 × 0.0005² / 900 s) ≈ 0.0000645 per √s, far below.
    expect(tagRegimes(line, threshold).windows.every((w) => w.tag === 'trending')).toBe(true);
    // A sine of amplitude a on 100 moves a × (0.951, −0.363, −1.176, −0.363, 0.951) % a minute: mean square
    // 0.691 (a / 100)². With a = 0.2: √(0.691 × 4e-6 / 60 s) ≈ 0.000215 per √s, under the threshold; the
    // amplitude-1 sine above (≈ 0.00107 per √s) would count as volatile at this threshold.
    const gentleSine = path(START, 3_601, (t) => 100 + 0.2 * Math.sin((2 * Math.PI * t) / 300));
    const gentle = tagRegimes(gentleSine, threshold).windows;
    expect(gentle.map((w) => w.tag)).toEqual(['ranging', 'ranging', 'ranging', 'ranging']);
    expect(gentle[0]!.volatility).toBeCloseTo(0.000215, 5);
    expect(tagRegimes(sine, threshold).windows[0]!.tag).toBe('volatile');
  });

  it('by default tags volatile what is over twice the median window volatility', () => {
    // sine (1 h, amplitude 0.2) → random walk at 0.3 % per √s (1 h) → sine (1 h)
    const calm = (from: number): PricePoint[] =>
      path(from, 3_600, (t) => 100 + 0.2 * Math.sin((2 * Math.PI * t) / 300));
    const walk = randomWalk(START + 3_600_000, 3_600, 100, 0.003, 'mixed');
    const mixed = [...calm(START), ...walk, ...calm(START + 7_200_000)];
    const tags = tagRegimes(mixed);
    const byWindow = tags.windows.map((w) => w.tag);
    expect(byWindow.slice(0, 4)).toEqual(['ranging', 'ranging', 'ranging', 'ranging']);
    expect(byWindow.slice(4, 8)).toEqual(['volatile', 'volatile', 'volatile', 'volatile']);
    // The jump from the walk back to the sine is the move from 1:59 to 2:00, which belongs to the window
    // its earlier point lies in (the walk's last): the sine's windows after it are clean.
    expect(byWindow.slice(8)).toEqual(['ranging', 'ranging', 'ranging', 'ranging']);
    expect(tags.shares()).toEqual({ trending: 0, ranging: 8 / 12, volatile: 4 / 12 });
    // The threshold is twice the median: the median of 12 windows is a calm one.
    expect(tags.volatilityThreshold).toBeCloseTo(2 * tags.windows[0]!.volatility, 6);
  });

  it('at(ts) answers per window [start, end), undefined outside the data and across breaks', () => {
    // The line for an hour, a two-hour break, then the sine for an hour.
    const later = START + 3 * 3_600_000;
    const withBreak = [
      ...line.slice(0, 3_600),
      ...path(later, 3_601, (t) => 100 + Math.sin((2 * Math.PI * t) / 300)),
    ];
    const tags = tagRegimes(withBreak);
    expect(tags.at(START)).toBe('trending');
    expect(tags.at(START + WINDOW - 1)).toBe('trending');
    expect(tags.at(START - 1)).toBeUndefined();
    // No windows in the break: a carried price would have made fake quiet (ranging) windows.
    expect(tags.at(START + 2 * 3_600_000)).toBeUndefined();
    expect(tags.windows.some((w) => w.startMs >= START + 3_600_000 && w.startMs < later)).toBe(false);
    expect(tags.at(later + WINDOW)).toBe('ranging');
    expect(tags.at(later + 3_600_000 + 1)).toBeUndefined();
  });

  it('leaves windows with too few moves untagged', () => {
    // Six minutes of data: grid points at minutes 0…6, so 6 moves, fewer than the 8 required.
    const short = path(START, 361, (t) => 100 + t / 1000);
    const tags = tagRegimes(short);
    expect(tags.windows).toHaveLength(1);
    expect(tags.windows[0]).toMatchObject({ moves: 6, tag: undefined });
    expect(tags.at(START + 1)).toBeUndefined();
  });

  it('reads a snapshot mid series, skipping NaN mids and, given a filter, closed hours', () => {
    const records = [
      { ts: 1, mid: 100 },
      { ts: 2, mid: Number.NaN },
      { ts: 3, mid: 101 },
      { ts: 4, mid: 102 },
    ];
    expect(midPath(records)).toEqual([
      { ts: 1, price: 100 },
      { ts: 3, price: 101 },
      { ts: 4, price: 102 },
    ]);
    expect(midPath(records, (ts) => ts !== 3)).toEqual([
      { ts: 1, price: 100 },
      { ts: 4, price: 102 },
    ]);
  });

  it('leaves flat windows out of the median, so a path mostly at rest does not make every move volatile', () => {
    // An hour of the gentle sine, then three hours flat (a closed market snapshotted anyway).
    const gentle = path(START, 3_600, (t) => 100 + 0.2 * Math.sin((2 * Math.PI * t) / 300));
    const flat = path(START + 3_600_000, 3 * 3_600, () => 100);
    const tags = tagRegimes([...gentle, ...flat]);
    // median over the 4 moving windows only (all ≈ 0.000215): the sine stays ranging, the flat windows too
    expect(tags.volatilityThreshold).toBeCloseTo(2 * 0.000215, 5);
    expect(tags.windows.every((w) => w.tag === 'ranging')).toBe(true);
  });

  it('checks its config', () => {
    expect(() => resolveRegimeTagConfig({ windowMs: 90_000, stepMs: 60_000 })).toThrow(RangeError);
    expect(() => resolveRegimeTagConfig({ volatility: { multipleOfMedian: 0 } })).toThrow(RangeError);
  });
});
