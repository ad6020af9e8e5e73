/**
 * The real sample day (data/krx-options-20251201, 2025-12-01) read once per test file, and helpers shared
 * by the feature tests.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { expect } from 'vitest';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { TickRow } from '../../../src/core/xml/krx-rows.ts';
import { CALL_TICKS, PUT_TICKS } from '../xml/fixtures.ts';
import type { FeatureName, LabelName } from '../../../src/core/features/spec.ts';

export interface RealDay {
  /** Each file's ticks in file order (per code, in time order; codes one after the other). */
  calls: TickRow[];
  puts: TickRow[];
}

let cached: Promise<RealDay> | undefined;

export function realDay(): Promise<RealDay> {
  cached ??= (async () => {
    const [calls, puts] = await Promise.all(
      [CALL_TICKS, PUT_TICKS].map((path) =>
        readKrxXmlAll(createReadStream(path), { srcFile: basename(path) }),
      ),
    );
    return { calls: calls!.ticks, puts: puts!.ticks };
  })();
  return cached;
}

/** Relative closeness, for values computed independently in another language. */
export function expectClose(actual: number | null | undefined, expected: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual, what).toBeTypeOf('number');
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs((actual as number) - expected) / scale, `${what}: ${actual} vs ${expected}`).toBeLessThan(
    1e-12,
  );
}

/** Rows grouped by code, keeping their order. */
export function byCode<T extends { code: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    let group = groups.get(row.code);
    if (!group) groups.set(row.code, (group = []));
    group.push(row);
  }
  return groups;
}

export function findRow<T extends { code: string; minute: string }>(
  rows: readonly T[],
  code: string,
  minute: string,
): T {
  const row = rows.find((r) => r.code === code && r.minute === minute);
  if (!row) throw new Error(`no row for ${code} at ${minute}`);
  return row;
}

/*
 * Expected values: a throwaway Python script (standard library only) builds the bars from the XML as
 * described in bars.test.ts, then for bar i of a code's grid computes
 *   f_ret_1 = c[i]/c[i-1] - 1, f_ret_5 = c[i]/c[i-5] - 1,
 *   f_vol_20 = statistics.stdev(c[j]/c[j-1] - 1 for j in i-19..i)   (exact-fraction sample stdev),
 *   f_range_5 = (max(h[i-4..i]) - min(l[i-4..i])) / c[i], f_oi_chg_5 = oi[i] - oi[i-5],
 *   f_spread_proxy = (h[i] - l[i]) / c[i], f_iv_proxy = f_vol_20 * math.sqrt(420 * 250),
 *   y_fwd_ret_k = c[i+k]/c[i] - 1 if i+k < len(grid) else None,
 * and prints them with repr (shortest round-trip digits).
 */
export const EXPECTED: Array<{
  code: string;
  minute: string;
  why: string;
  values: Partial<Record<FeatureName | LabelName, number | null>>;
}> = [
  {
    code: 'B0161680',
    minute: '08:55',
    why: 'bar 10 of the day: 5-bar features ready, the 20-bar window not yet',
    values: {
      f_ret_1: -0.020000000000000018,
      f_ret_5: 0.11363636363636354,
      f_vol_20: null,
      f_range_5: 0.06122448979591842,
      f_oi_chg_5: 0,
      f_spread_proxy: 0,
      f_iv_proxy: null,
      y_fwd_ret_5: 0.020408163265306145,
      y_fwd_ret_15: -0.12244897959183676,
    },
  },
  {
    code: 'C0161547',
    minute: '11:12',
    // 19 flat minutes then one -9.8% return: stdev = |r| / sqrt(20) exactly, a check by hand.
    why: 'a put after a 20-minute lull',
    values: {
      f_ret_1: -0.0980392156862745,
      f_ret_5: -0.0980392156862745,
      f_vol_20: 0.021922235073527346,
      f_range_5: 0.10869565217391304,
      f_oi_chg_5: 0,
      f_spread_proxy: 0.009316770186335315,
      f_iv_proxy: 7.103616052053645,
      y_fwd_ret_5: 0.006211180124223503,
      y_fwd_ret_15: 0.06211180124223592,
    },
  },
  {
    code: 'B0161680',
    minute: '10:01',
    why: 'two ticks in one second decide the close',
    values: {
      f_ret_1: 0.030303030303030276,
      f_ret_5: 0,
      f_vol_20: 0.02231047159100525,
      f_range_5: 0.08823529411764697,
      f_oi_chg_5: 0,
      f_spread_proxy: 0.058823529411764594,
      f_iv_proxy: 7.229419062025005,
      y_fwd_ret_5: 0,
      y_fwd_ret_15: 0.08823529411764697,
    },
  },
  {
    code: 'B0161535',
    minute: '09:59',
    why: '16 ticks in one second',
    values: {
      f_ret_1: -0.00171232876712335,
      f_ret_5: -0.011864406779661052,
      f_vol_20: 0.038966787731328334,
      f_range_5: 0.012006861063464887,
      f_spread_proxy: 0.001715265866209287,
      f_iv_proxy: 12.626682356831981,
      y_fwd_ret_5: 0,
      y_fwd_ret_15: 0,
    },
  },
  {
    code: 'B0161660',
    minute: '15:45',
    why: 'the closing print: both horizons are past the close',
    values: { f_ret_1: 0, f_vol_20: 0, y_fwd_ret_5: null, y_fwd_ret_15: null },
  },
];
