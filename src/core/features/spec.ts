/**
 * The minute feature set as data: what every bar, feature and label means, its window and warm-up. The
 * computation reads its windows and constants from here, and `featureSpecHash()` fingerprints this object,
 * so a model that records the hash as `feature_hash` names exactly the inputs it was trained on.
 *
 * Changing anything here (a window, a definition, the bar policy) changes the hash: bump `version` with
 * it, and the pinned hash in test/unit/features/spec.test.ts must be updated on purpose. The text is
 * ASCII so the canonical JSON is the same bytes in any language that sorts keys.
 */
import { createHash } from 'node:crypto';

export const FEATURE_SPEC = deepFreeze({
  name: 'quotelab.krx-option-minute-features',
  version: '1.0.0',
  bars: {
    table: 'gold_bars_1m',
    keys: ['ymcode', 'side', 'code', 'strike', 'bar_ts'],
    interval: 'one KST wall-clock minute [HH:MM:00, HH:MM+1:00); bar_ts = UTC epoch ms of its start',
    grid:
      'per (code, trade_date): every minute from the minute of the code first trade of the day to the ' +
      'minute of the session close (sessionOf(trade_date, expiry).close, inclusive), with no gaps',
    emptyMinute: 'o = h = l = c = previous bar c, v = 0, tick_count = 0, oi_last = previous bar oi_last',
    prices:
      'o, h, l, c from the trade prices (tick c) of the minute in arrival order; the tick o/h/l fields ' +
      'are day-to-date values and are not used',
    volume: 'v = sum of tick ccnt (contracts)',
    openInterest: 'oi_last = oi of the last tick up to and including the bar',
    sessionBounds: 'ticks before the session open or after the session close are rejected, not binned',
    crossDay: 'none: the grid, every window and every label restart at each trade_date',
  },
  lagUnit: 'bars; on the gap-free grid one bar is one clock minute',
  windows: {
    f_ret_5: 5,
    f_vol_20: 20,
    f_range_5: 5,
    f_oi_chg_5: 5,
  },
  std: 'sample standard deviation, divisor n - 1, two-pass over the window',
  annualisation: {
    minutesPerDay: 420,
    daysPerYear: 250,
    note: 'KRX regular session 08:45-15:45 KST = 420 minutes; about 250 trading days a year',
  },
  features: {
    table: 'gold_features_1m',
    keys: ['ymcode', 'side', 'code', 'strike', 'asof_ts'],
    asOf: 'asof_ts = bar_ts + 60000: the end of bar t, the first instant its features are known',
    warmUp: 'null until the window is full; never computed from a partial window',
    definitions: {
      f_ret_1: { formula: 'c_t / c_{t-1} - 1', barsNeeded: 2 },
      f_ret_5: { formula: 'c_t / c_{t-5} - 1', barsNeeded: 6 },
      f_vol_20: { formula: 'std(r_{t-19}, ..., r_t) where r_i = c_i / c_{i-1} - 1', barsNeeded: 21 },
      f_range_5: { formula: '(max(h_{t-4..t}) - min(l_{t-4..t})) / c_t', barsNeeded: 5 },
      f_oi_chg_5: {
        formula: 'oi_last_t - oi_last_{t-5} (a difference: oi is 0 in KRX tick files, so 0 on real data)',
        barsNeeded: 6,
      },
      f_spread_proxy: { formula: '(h_t - l_t) / c_t (no order book in the tick files)', barsNeeded: 1 },
      f_iv_proxy: {
        formula:
          'f_vol_20 * sqrt(minutesPerDay * daysPerYear): annualised realised vol of the premium, ' +
          'a stand-in until implied vol is computed',
        barsNeeded: 21,
      },
    },
  },
  labels: {
    table: 'gold_labels_1m',
    keys: ['ymcode', 'side', 'code', 'strike', 'asof_ts'],
    definitions: {
      y_fwd_ret_5: { formula: 'c_{t+5} / c_t - 1', horizon: 5 },
      y_fwd_ret_15: { formula: 'c_{t+15} / c_t - 1', horizon: 15 },
    },
    nulls: 'null when bar t+k is past the session close of trade_date; never read from the next day',
  },
} as const);

export type FeatureSpec = typeof FEATURE_SPEC;

export const FEATURE_NAMES = [
  'f_ret_1',
  'f_ret_5',
  'f_vol_20',
  'f_range_5',
  'f_oi_chg_5',
  'f_spread_proxy',
  'f_iv_proxy',
] as const satisfies ReadonlyArray<keyof FeatureSpec['features']['definitions']>;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export const LABEL_NAMES = ['y_fwd_ret_5', 'y_fwd_ret_15'] as const satisfies ReadonlyArray<
  keyof FeatureSpec['labels']['definitions']
>;
export type LabelName = (typeof LABEL_NAMES)[number];

/** Minutes of trading in a year: the factor that annualises a per-minute standard deviation. */
export const MINUTES_PER_YEAR =
  FEATURE_SPEC.annualisation.minutesPerDay * FEATURE_SPEC.annualisation.daysPerYear;

/**
 * JSON with object keys sorted (by UTF-16 code units, as JavaScript and Python both sort ASCII) and no
 * whitespace. Only plain JSON data is accepted: anything JSON.stringify would drop or mangle throws.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON takes plain data, not ${typeof value}`);
}

/** SHA-256 (hex) of the spec's canonical JSON: what models record as `feature_hash`. */
export function featureSpecHash(spec: unknown = FEATURE_SPEC): string {
  return createHash('sha256').update(canonicalJson(spec), 'utf8').digest('hex');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
