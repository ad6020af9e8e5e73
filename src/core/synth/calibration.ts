/**
 * How close a synthetic day is to a real one: a list of metrics, each with a stated tolerance and a
 * pass/fail, as JSON (`CalibrationReport`) and as a markdown table. Ticks come in as the reader's
 * `TickRow`s (only a few fields are used), so real and generated files can be read by the same reader;
 * `syntheticCalibrationDay` builds the same rows straight from the generator (a test checks that they
 * equal what the written XML holds).
 *
 * Tolerances reflect that the real side is a single day: its calls and puts — two samples of the same
 * market — differ by up to 0.041 in a 30-minute bucket's share of ticks and by 1.5× in median ticks per
 * code, so the bounds are about that wide, not tighter.
 */
import { expiryDate, sessionOf } from '../market/krx-calendar.ts';
import { decodeKrxCode } from '../market/krx-code.ts';
import type { OptionSide } from '../market/krx-code.ts';
import { compactToIsoDate } from '../market/kst.ts';
import type { TickRow } from '../xml/krx-rows.ts';
import { RISK_FREE_RATE } from './black-scholes.ts';
import { hhmmssOf, secondsOf, yearsToExpiry } from './contract-month.ts';
import { SyntheticMarket } from './generate-day.ts';
import type { MinuteLabel } from './generate-day.ts';
import { formatHundredths } from './premium-grid.ts';

export type CalibrationTick = Pick<TickRow, 'ymcode' | 'code' | 'idate' | 'itime' | 'c' | 'ccnt'>;

export interface CalibrationDay {
  /** Where the day comes from, e.g. "real 2025-12-01" or "synthetic seed 20251201". */
  label: string;
  calls: readonly CalibrationTick[];
  puts: readonly CalibrationTick[];
  /** KOSPI200 at a KST time 'hhmmss': inferred from parity for a real day, simulated for a synthetic one. */
  underlyingAt(itime: string): number;
}

export type Tolerance =
  | { kind: 'absolute'; max: number }
  | { kind: 'relative'; max: number }
  | { kind: 'ratio'; min: number; max: number }
  | { kind: 'premium'; relative: number; absolute: number };

export interface CalibrationMetric {
  group: 'ticks per code' | 'contracts per trade' | 'intraday profile' | 'premium by moneyness' | 'session';
  name: string;
  real: number;
  synthetic: number;
  tolerance: Tolerance;
  pass: boolean;
}

export interface CalibrationReport {
  real: string;
  synthetic: string;
  pass: boolean;
  metrics: CalibrationMetric[];
}

/**
 * The comparison day: the real sample's date, contract month (January 2026, one month beyond the front
 * month) and so its 26 sessions to expiry.
 */
export const CALIBRATION_DATE = '2025-12-01';
export const CALIBRATION_MONTHS_AHEAD = 1;
export const CALIBRATION_SEED = '20251201';

const SIDES: ReadonlyArray<readonly [OptionSide, 'calls' | 'puts']> = [
  ['CALL', 'calls'],
  ['PUT', 'puts'],
];

/** Moneyness K/S buckets where each side trades, out of the money first. */
const MONEYNESS_BUCKETS: Readonly<Record<OptionSide, ReadonlyArray<readonly [number, number]>>> = {
  CALL: [
    [0.95, 1.0],
    [1.0, 1.05],
    [1.05, 1.1],
    [1.1, 1.15],
    [1.15, 1.2],
    [1.2, 1.25],
  ],
  PUT: [
    [0.55, 0.65],
    [0.65, 0.75],
    [0.75, 0.85],
    [0.85, 0.95],
    [0.95, 1.05],
    [1.05, 1.15],
  ],
};
/** A moneyness bucket is compared only when the real day has this many ticks in it. */
const MIN_BUCKET_TICKS = 10;

export function compareDays(real: CalibrationDay, synthetic: CalibrationDay): CalibrationReport {
  const metrics: CalibrationMetric[] = [];
  const add = (group: CalibrationMetric['group'], name: string, r: number, s: number, tolerance: Tolerance) =>
    metrics.push({ group, name, real: r, synthetic: s, tolerance, pass: within(r, s, tolerance) });

  for (const [side, key] of SIDES) {
    const r = ticksPerCode(real[key]);
    const s = ticksPerCode(synthetic[key]);
    add('ticks per code', `${side} ticks`, real[key].length, synthetic[key].length, {
      kind: 'relative',
      max: 0.15,
    });
    add('ticks per code', `${side} traded codes`, r.length, s.length, { kind: 'relative', max: 0.2 });
    add('ticks per code', `${side} median`, quantile(r, 0.5), quantile(s, 0.5), {
      kind: 'ratio',
      min: 0.67,
      max: 1.5,
    });
    add('ticks per code', `${side} p90`, quantile(r, 0.9), quantile(s, 0.9), {
      kind: 'ratio',
      min: 0.67,
      max: 1.5,
    });
    add('ticks per code', `${side} max`, r.at(-1) ?? 0, s.at(-1) ?? 0, { kind: 'ratio', min: 0.5, max: 2 });
  }

  const realSizes = sortedNumbers([...real.calls, ...real.puts].map((t) => t.ccnt));
  const synthSizes = sortedNumbers([...synthetic.calls, ...synthetic.puts].map((t) => t.ccnt));
  add('contracts per trade', 'share of 1 lot', shareOf(realSizes, 1), shareOf(synthSizes, 1), {
    kind: 'absolute',
    max: 0.04,
  });
  add('contracts per trade', 'mean', mean(realSizes), mean(synthSizes), { kind: 'relative', max: 0.2 });
  add('contracts per trade', 'p99', quantile(realSizes, 0.99), quantile(synthSizes, 0.99), {
    kind: 'ratio',
    min: 0.5,
    max: 2,
  });

  const realProfile = halfHourShares(real);
  const synthProfile = halfHourShares(synthetic);
  for (let b = 0; b < realProfile.shares.length; b++) {
    add(
      'intraday profile',
      `${realProfile.labels[b]} share`,
      realProfile.shares[b]!,
      synthProfile.shares[b] ?? 0,
      { kind: 'absolute', max: 0.05 },
    );
  }

  for (const [side, key] of SIDES) {
    for (const [lo, hi] of MONEYNESS_BUCKETS[side]) {
      const r = premiumsInBucket(real[key], real, lo, hi);
      if (r.length < MIN_BUCKET_TICKS) continue;
      const s = premiumsInBucket(synthetic[key], synthetic, lo, hi);
      add(
        'premium by moneyness',
        `${side} K/S ${lo.toFixed(2)}–${hi.toFixed(2)} median`,
        quantile(r, 0.5),
        s.length ? quantile(s, 0.5) : 0,
        {
          kind: 'premium',
          relative: 0.35,
          absolute: 0.03,
        },
      );
    }
  }

  for (const [side, key] of SIDES) {
    const r = sessionSpan(real[key]);
    const s = sessionSpan(synthetic[key]);
    add('session', `${side} first tick (s after midnight KST)`, r.first, s.first, {
      kind: 'absolute',
      max: 300,
    });
    add('session', `${side} last tick (s after midnight KST)`, r.last, s.last, {
      kind: 'absolute',
      max: 720,
    });
  }

  return { real: real.label, synthetic: synthetic.label, pass: metrics.every((m) => m.pass), metrics };
}

export function calibrationMarkdown(report: CalibrationReport): string {
  const lines = [
    `Calibration: ${report.synthetic} vs ${report.real} — ${report.pass ? 'PASS' : 'FAIL'}`,
    '',
    '| group | metric | real | synthetic | tolerance | result |',
    '|---|---|---:|---:|---|---|',
  ];
  for (const m of report.metrics) {
    const show = (v: number) => (m.group === 'session' ? clock(v) : formatNumber(v));
    lines.push(
      `| ${m.group} | ${m.name.replace(' (s after midnight KST)', '')} | ${show(m.real)} | ${show(m.synthetic)} | ${describe(m.tolerance, m.group)} | ${m.pass ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

/**
 * KOSPI200 over a real day from put–call parity: for European options C − P = S − K·e^(−rT), so every
 * call trade with a put trade of the same strike within 3 minutes gives an estimate of S. Estimates are
 * summarised by their median per half hour and interpolated linearly in time.
 */
export function underlyingFromParity(
  calls: readonly CalibrationTick[],
  puts: readonly CalibrationTick[],
): (itime: string) => number {
  const first = calls[0] ?? puts[0];
  if (!first) throw new Error('no ticks to infer the underlying from');
  const date = compactToIsoDate(first.idate);
  const expiry = expiryDate(Number(first.ymcode.slice(0, 4)), Number(first.ymcode.slice(4, 6)));
  const session = sessionOf(date, expiry);
  const putsByStrike = new Map<number, Array<{ second: number; price: number }>>();
  for (const put of puts) {
    const strike = strikeOf(put);
    let list = putsByStrike.get(strike);
    if (!list) putsByStrike.set(strike, (list = []));
    list.push({ second: secondsOf(put.itime), price: put.c });
  }
  const buckets = new Map<number, Array<{ second: number; spot: number }>>();
  const open = secondsOf(session.open);
  for (const call of calls) {
    const strike = strikeOf(call);
    const second = secondsOf(call.itime);
    let best: { second: number; price: number } | undefined;
    for (const put of putsByStrike.get(strike) ?? []) {
      const gap = Math.abs(put.second - second);
      if (gap <= 180 && (!best || gap < Math.abs(best.second - second))) best = put;
    }
    if (!best) continue;
    const years = yearsToExpiry(date, second, session, expiry);
    const spot = call.c - best.price + strike * Math.exp(-RISK_FREE_RATE * years);
    const bucket = Math.floor((second - open) / 1800);
    let list = buckets.get(bucket);
    if (!list) buckets.set(bucket, (list = []));
    list.push({ second, spot });
  }
  if (buckets.size === 0)
    throw new Error('no call and put of the same strike traded within 3 minutes of each other');
  const knots = [...buckets.keys()]
    .sort((a, b) => a - b)
    .map((bucket) => {
      const list = buckets.get(bucket)!;
      return {
        second: mean(list.map((e) => e.second)),
        spot: quantile(sortedNumbers(list.map((e) => e.spot)), 0.5),
      };
    });
  return (itime) => interpolate(knots, secondsOf(itime));
}

/** KOSPI200 of a synthetic day: the labelled minute closes, the minute's close standing for the minute. */
export function underlyingFromLabels(labels: readonly MinuteLabel[]): (itime: string) => number {
  const byMinute = new Map(labels.map((label) => [label.minute.replace(':', ''), label.close]));
  const fallback = labels.at(-1)?.close ?? NaN;
  return (itime) => byMinute.get(itime.slice(0, 4)) ?? fallback;
}

/** The comparison day generated in memory: the real day's date and contract month, a fixed seed. */
export function syntheticCalibrationDay(seed = CALIBRATION_SEED, ticksPerDay?: number): CalibrationDay {
  const market = new SyntheticMarket({ seed, ticksPerDay, monthsAhead: CALIBRATION_MONTHS_AHEAD });
  const day = market.day(CALIBRATION_DATE);
  const idate = CALIBRATION_DATE.replace(/-/g, '');
  const rows = (side: OptionSide): CalibrationTick[] =>
    Array.from(day.ticks(side), (tick) => ({
      ymcode: day.contract.ymcode,
      code: tick.code,
      idate,
      itime: hhmmssOf(tick.second),
      c: Number(formatHundredths(tick.c)),
      ccnt: tick.ccnt,
    }));
  return {
    label: `synthetic ${CALIBRATION_DATE} seed ${seed}`,
    calls: rows('CALL'),
    puts: rows('PUT'),
    underlyingAt: underlyingFromLabels(day.labels()),
  };
}

function strikeOf(tick: CalibrationTick): number {
  return decodeKrxCode(tick.code, Number(tick.ymcode.slice(0, 4))).strike!;
}

function ticksPerCode(ticks: readonly CalibrationTick[]): number[] {
  const counts = new Map<string, number>();
  for (const tick of ticks) counts.set(tick.code, (counts.get(tick.code) ?? 0) + 1);
  return sortedNumbers([...counts.values()]);
}

function halfHourShares(day: CalibrationDay): { labels: string[]; shares: number[] } {
  const all = [...day.calls, ...day.puts];
  const first = all[0];
  if (!first) return { labels: [], shares: [] };
  const date = compactToIsoDate(first.idate);
  const session = sessionOf(
    date,
    expiryDate(Number(first.ymcode.slice(0, 4)), Number(first.ymcode.slice(4, 6))),
  );
  const open = secondsOf(session.open);
  const close = secondsOf(session.close);
  const count = Math.floor((close - open) / 1800) + 1;
  const counts = new Array<number>(count).fill(0);
  for (const tick of all) counts[Math.min(count - 1, Math.floor((secondsOf(tick.itime) - open) / 1800))]!++;
  const labels = counts.map((_, b) => {
    const from = clock(open + b * 1800).slice(0, 5);
    const to = clock(Math.min(close, open + (b + 1) * 1800)).slice(0, 5);
    // A session of whole half hours leaves a last bucket holding only the closing call's instant.
    return from === to ? `${from} close` : `${from}–${to}`;
  });
  return { labels, shares: counts.map((n) => n / all.length) };
}

function premiumsInBucket(
  ticks: readonly CalibrationTick[],
  day: CalibrationDay,
  lo: number,
  hi: number,
): number[] {
  const premiums: number[] = [];
  for (const tick of ticks) {
    const moneyness = strikeOf(tick) / day.underlyingAt(tick.itime);
    if (moneyness >= lo && moneyness < hi) premiums.push(tick.c);
  }
  return sortedNumbers(premiums);
}

function sessionSpan(ticks: readonly CalibrationTick[]): { first: number; last: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const tick of ticks) {
    const second = secondsOf(tick.itime);
    if (second < first) first = second;
    if (second > last) last = second;
  }
  return { first, last };
}

function within(real: number, synthetic: number, tolerance: Tolerance): boolean {
  switch (tolerance.kind) {
    case 'absolute':
      return Math.abs(synthetic - real) <= tolerance.max + 1e-12;
    case 'relative':
      return Math.abs(synthetic - real) <= tolerance.max * Math.abs(real) + 1e-12;
    case 'ratio':
      return real > 0 && synthetic / real >= tolerance.min && synthetic / real <= tolerance.max;
    case 'premium':
      return (
        Math.abs(synthetic - real) <= tolerance.absolute + 1e-12 ||
        Math.abs(synthetic - real) <= tolerance.relative * Math.abs(real) + 1e-12
      );
  }
}

function describe(tolerance: Tolerance, group: CalibrationMetric['group']): string {
  switch (tolerance.kind) {
    case 'absolute':
      return group === 'session' ? `± ${tolerance.max / 60} min` : `± ${tolerance.max}`;
    case 'relative':
      return `± ${tolerance.max * 100} %`;
    case 'ratio':
      return `× ${tolerance.min}–${tolerance.max}`;
    case 'premium':
      return `± ${tolerance.relative * 100} % or ± ${tolerance.absolute}`;
  }
}

function sortedNumbers(values: number[]): number[] {
  return values.sort((a, b) => a - b);
}

/** Linear-interpolation quantile (numpy's default) of sorted values. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : NaN;
}

function shareOf(values: readonly number[], target: number): number {
  return values.length ? values.filter((v) => v === target).length / values.length : NaN;
}

function interpolate(knots: ReadonlyArray<{ second: number; spot: number }>, second: number): number {
  if (second <= knots[0]!.second) return knots[0]!.spot;
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!;
    const b = knots[i]!;
    if (second <= b.second) return a.spot + ((b.spot - a.spot) * (second - a.second)) / (b.second - a.second);
  }
  return knots.at(-1)!.spot;
}

function clock(second: number): string {
  const hhmmss = hhmmssOf(Math.round(second));
  return `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(3);
}
