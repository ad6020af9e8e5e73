import { beforeAll, describe, expect, it } from 'vitest';
import { buildMinuteBars, MINUTE_MS } from '../../../src/core/features/bars.ts';
import type { MinuteBar } from '../../../src/core/features/bars.ts';
import { computeFeatures, FeatureEngine, FeatureInputError } from '../../../src/core/features/features.ts';
import type { FeatureRow } from '../../../src/core/features/features.ts';
import { buildGoldTables } from '../../../src/core/features/gold-tables.ts';
import type { GoldTables } from '../../../src/core/features/gold-tables.ts';
import { computeLabels } from '../../../src/core/features/labels.ts';
import type { LabelRow } from '../../../src/core/features/labels.ts';
import { MinuteFeatureStream } from '../../../src/core/features/live.ts';
import type { ClosedBar } from '../../../src/core/features/live.ts';
import { FEATURE_NAMES, featureSpecHash, LABEL_NAMES } from '../../../src/core/features/spec.ts';
import { kstToUtcMs } from '../../../src/core/market/kst.ts';
import type { TickRow } from '../../../src/core/xml/krx-rows.ts';
import { EXPECTED, byCode, expectClose, findRow, realDay } from './real-day.ts';
import { HEAVY_HOOK_TIMEOUT_MS, HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

let ticks: TickRow[];
let day: GoldTables;

beforeAll(async () => {
  const { calls, puts } = await realDay();
  ticks = [...calls, ...puts];
  day = buildGoldTables(ticks);
}, HEAVY_HOOK_TIMEOUT_MS);

describe('features and labels of the real day', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  it('match an independent computation at five (code, minute) examples', () => {
    for (const { code, minute, why, values } of EXPECTED) {
      const features = findRow(day.features, code, minute);
      const labels = findRow(day.labels, code, minute);
      expect(features.asof_ts).toBe(features.bar_ts + MINUTE_MS);
      expect(labels.asof_ts).toBe(features.asof_ts);
      for (const [name, expected] of Object.entries(values)) {
        const actual = name.startsWith('y_')
          ? labels[name as keyof LabelRow]
          : features[name as keyof FeatureRow];
        const what = `${code} ${minute} ${name} (${why})`;
        if (expected === null) expect(actual, what).toBeNull();
        else expectClose(actual as number, expected, what);
      }
    }
  });

  it('has one feature row and one label row per bar, in the bars’ order and with their keys', () => {
    // 59,667 bars (22,351 call + 37,316 put, see bars.test.ts).
    expect(day.bars).toHaveLength(59_667);
    expect(day.features).toHaveLength(59_667);
    expect(day.labels).toHaveLength(59_667);
    const key = (r: { code: string; bar_ts: number }) => `${r.code}@${r.bar_ts}`;
    expect(day.features.map(key)).toEqual(day.bars.map(key));
    expect(day.labels.map(key)).toEqual(day.bars.map(key));
    expect(day.featureHash).toBe(featureSpecHash());
  });

  it('is null exactly during warm-up and at the end of the session, never from a partial window', () => {
    const warmUp: Record<string, number> = {
      f_ret_1: 1,
      f_ret_5: 5,
      f_vol_20: 20,
      f_range_5: 4,
      f_oi_chg_5: 5,
      f_spread_proxy: 0,
      f_iv_proxy: 20,
    };
    const misplaced: string[] = [];
    for (const [code, rows] of byCode(day.features)) {
      rows.forEach((row, i) => {
        for (const name of FEATURE_NAMES) {
          const value = row[name];
          const ok = i < warmUp[name]! ? value === null : Number.isFinite(value);
          if (!ok) misplaced.push(`${code} bar ${i} ${name} = ${value}`);
        }
      });
    }
    for (const [code, rows] of byCode(day.labels)) {
      rows.forEach((row, i) => {
        if ((row.y_fwd_ret_5 === null) !== i >= rows.length - 5)
          misplaced.push(`${code} bar ${i} y_fwd_ret_5`);
        if ((row.y_fwd_ret_15 === null) !== i >= rows.length - 15)
          misplaced.push(`${code} bar ${i} y_fwd_ret_15`);
      });
    }
    expect(misplaced).toEqual([]);
    // Non-null counts from the Python script: 164 codes, 59,667 bars.
    const nonNull = <T, K extends keyof T>(name: K, rows: readonly T[]) =>
      rows.filter((r) => r[name] !== null).length;
    expect(Object.fromEntries(FEATURE_NAMES.map((n) => [n, nonNull(n, day.features)]))).toEqual({
      f_ret_1: 59_503,
      f_ret_5: 58_847,
      f_vol_20: 56_389,
      f_range_5: 59_011,
      f_oi_chg_5: 58_847,
      f_spread_proxy: 59_667,
      f_iv_proxy: 56_389,
    });
    expect(Object.fromEntries(LABEL_NAMES.map((n) => [n, nonNull(n, day.labels)]))).toEqual({
      y_fwd_ret_5: 58_847,
      y_fwd_ret_15: 57_207,
    });
    // KRX tick files carry oi = 0, so the open-interest change is 0 wherever it is defined.
    expect(day.features.every((r) => r.f_oi_chg_5 === null || r.f_oi_chg_5 === 0)).toBe(true);
  });
});

describe('live and batch parity', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  it('a replay on the clock, one bar at a time, reproduces the batch tables exactly for every code', () => {
    // The live agent: ticks of both sides in time order; a timer at every minute boundary from the open
    // closes the minute that just ended, then the ticks of the new minute arrive.
    const feed = [...ticks].sort((a, b) => a.ts - b.ts);
    const stream = new MinuteFeatureStream();
    const live: ClosedBar[] = [];
    let closedByTicks = 0;
    let next = 0;
    const open = kstToUtcMs('2025-12-01', '084500');
    const afterClose = kstToUtcMs('2025-12-01', '154700');
    for (let clock = open; clock <= afterClose; clock += MINUTE_MS) {
      const closed = stream.closeThrough(clock);
      // Every bar comes out at the first wake-up after its minute ends, never earlier or later.
      for (const { bar } of closed) expect(bar.bar_ts + MINUTE_MS).toBe(clock);
      live.push(...closed);
      while (next < feed.length && feed[next]!.ts < clock + MINUTE_MS) {
        const byTick = stream.pushTick(feed[next++]!);
        closedByTicks += byTick.length;
        live.push(...byTick);
      }
    }
    expect(next).toBe(feed.length);
    expect(stream.finish()).toEqual([]);
    expect(closedByTicks).toBe(0); // on the clock, a tick never has to close a minute itself
    expect(stream.rejected).toEqual({ late: 0, outsideSession: 0 });

    expect(live.map((c) => c.bar)).toEqual(day.bars);
    expect(live.map((c) => c.features)).toEqual(day.features);
    // Exactly, bit for bit, not just to within toEqual's notion of equality.
    const differing = live.filter(({ features }, i) =>
      FEATURE_NAMES.some((name) => !Object.is(features[name], day.features[i]![name])),
    );
    expect(differing).toEqual([]);
    expect(new Set(live.map((c) => c.bar.code)).size).toBe(164);
  });

  it('feeding each code’s bars alone through a fresh engine gives the same rows as the whole day', () => {
    for (const [code, bars] of byCode(day.bars)) {
      const alone = computeFeatures(bars);
      expect(alone, code).toEqual(day.features.filter((r) => r.code === code));
    }
  });
});

describe('no look-ahead', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  /** A bar changed beyond recognition (prices, volume, open interest). */
  const distort = (bar: MinuteBar): MinuteBar => ({
    ...bar,
    o: bar.o * 1.7,
    h: bar.h * 2.3,
    l: bar.l * 0.4,
    c: bar.c * 1.9,
    v: bar.v + 11,
    tick_count: bar.tick_count + 3,
    oi_last: bar.oi_last + 500,
  });

  it('features up to t ignore every bar after t, while the labels at t move with them', () => {
    const t = kstToUtcMs('2025-12-01', '111100'); // B0161680's 11:11 bar, among others
    const changed = day.bars.map((bar) => (bar.bar_ts > t ? distort(bar) : bar));
    const features = computeFeatures(changed);
    const labels = computeLabels(changed);
    let compared = 0;
    let nextMinuteMoved = 0;
    day.features.forEach((row, i) => {
      if (row.bar_ts <= t) {
        expect(features[i], `${row.code} ${row.minute}`).toEqual(row);
        compared++;
      } else if (row.bar_ts === t + MINUTE_MS) {
        // The change does reach the features of t+1: c_t is untouched, c_{t+1} is not.
        expect(features[i]!.f_ret_1, `${row.code} ${row.minute}`).not.toBe(row.f_ret_1);
        nextMinuteMoved++;
      }
    });
    expect(nextMinuteMoved).toBeGreaterThan(100);
    expect(compared).toBeGreaterThan(10_000);
    const before = findRow(day.labels, 'B0161680', '11:11');
    const after = findRow(labels, 'B0161680', '11:11');
    expect(after.y_fwd_ret_5).not.toBe(before.y_fwd_ret_5);
    expect(after.y_fwd_ret_15).not.toBe(before.y_fwd_ret_15);
    // Labels at t are the only thing that may see t+k: recomputed on the changed bars, by definition.
    expectClose(
      after.y_fwd_ret_5,
      findRow(changed, 'B0161680', '11:16').c / findRow(changed, 'B0161680', '11:11').c - 1,
      'label',
    );
  });

  it('the same holds from the ticks: changing every tick after t leaves bars and features up to t alone', () => {
    const t = kstToUtcMs('2025-12-01', '111100');
    const changed = buildGoldTables(
      ticks.map((tick) =>
        tick.ts >= t + MINUTE_MS ? { ...tick, c: tick.c * 1.5, ccnt: tick.ccnt + 1 } : tick,
      ),
    );
    const upTo = <T extends { bar_ts: number }>(rows: T[]) => rows.filter((r) => r.bar_ts <= t);
    expect(upTo(changed.bars)).toEqual(upTo(day.bars));
    expect(upTo(changed.features)).toEqual(upTo(day.features));
    expect(findRow(changed.labels, 'B0161680', '11:11').y_fwd_ret_15).not.toBe(
      findRow(day.labels, 'B0161680', '11:11').y_fwd_ret_15,
    );
  });
});

describe('days are independent', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  const DAY_MS = 86_400_000;
  /** The real ticks replayed on Tuesday 2025-12-02 at other prices. */
  const nextDay = (rows: TickRow[]) =>
    rows.map((tick) => ({ ...tick, ts: tick.ts + DAY_MS, c: tick.c + 0.05 }));

  it('two days together give each day’s tables as if computed alone: no carry, no peeking', () => {
    const dayTwoTicks = nextDay(ticks);
    const dayTwo = buildGoldTables(dayTwoTicks);
    const both = buildGoldTables([...ticks, ...dayTwoTicks]);
    const on = <T extends { trade_date: string }>(rows: T[], date: string) =>
      rows.filter((r) => r.trade_date === date);

    expect(on(both.bars, '2025-12-01')).toEqual(day.bars);
    expect(on(both.features, '2025-12-01')).toEqual(day.features);
    // Day one's last bars keep null labels although day two's bars follow them in the input.
    expect(on(both.labels, '2025-12-01')).toEqual(day.labels);
    expect(on(both.bars, '2025-12-02')).toEqual(dayTwo.bars);
    expect(on(both.features, '2025-12-02')).toEqual(dayTwo.features);
    expect(on(both.labels, '2025-12-02')).toEqual(dayTwo.labels);

    // Day two starts fresh: the first bar has no return, whatever day one closed at.
    for (const rows of byCode(on(both.features, '2025-12-02')).values()) {
      expect(rows[0]!.f_ret_1).toBeNull();
      expect(rows.slice(0, 5).every((r) => r.f_ret_5 === null)).toBe(true);
      expect(rows.slice(0, 20).every((r) => r.f_vol_20 === null)).toBe(true);
    }
  });

  it('the engine refuses bars that would stretch a lag: a gap, or a day going back', () => {
    const bars = day.bars.filter((b) => b.code === 'B0161680');
    const engine = new FeatureEngine();
    engine.update(bars[0]!);
    expect(() => engine.update(bars[2]!)).toThrow(FeatureInputError);
    const later = new FeatureEngine();
    later.update({ ...bars[0]!, trade_date: '2025-12-02', bar_ts: bars[0]!.bar_ts + DAY_MS });
    expect(() => later.update(bars[0]!)).toThrow(FeatureInputError);
    // Labels refuse a day cut short before its close (its nulls would mean "not yet", not "after the close").
    expect(() => computeLabels(bars.slice(0, 100))).toThrow(FeatureInputError);
    expect(() => computeLabels(buildMinuteBars(ticks).bars)).not.toThrow();
  });
});
