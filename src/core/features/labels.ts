/**
 * Forward-return labels (`gold_labels_1m`) on the bar grid: y_fwd_ret_k at bar t = c_{t+k} / c_t − 1,
 * k in bars (= minutes on the grid). They are offline-only by nature (they need the future), computed per
 * (code, trade_date) so they never reach into the next day: a horizon past the session close is null.
 *
 * The input must hold whole days (bars.ts runs every code's day out to its session close), otherwise the
 * last bars of a truncated day would get nulls that mean "not yet" rather than "after the close".
 */
import { closeBarTsOf, MINUTE_MS } from './bars.ts';
import type { MinuteBar } from './bars.ts';
import { barKeys, FeatureInputError } from './features.ts';
import type { BarKeys } from './features.ts';
import { FEATURE_SPEC } from './spec.ts';
import type { LabelName } from './spec.ts';

export type LabelValues = Record<LabelName, number | null>;

export interface LabelRow extends BarKeys, LabelValues {
  /** The same key as the feature row of the bar: the label is the outcome of deciding at this instant. */
  asof_ts: number;
}

const HORIZONS: ReadonlyArray<readonly [LabelName, number]> = [
  ['y_fwd_ret_5', FEATURE_SPEC.labels.definitions.y_fwd_ret_5.horizon],
  ['y_fwd_ret_15', FEATURE_SPEC.labels.definitions.y_fwd_ret_15.horizon],
];

/** Labels of bars, one row per bar in the order given (each code's days whole and in order). */
export function computeLabels(bars: readonly MinuteBar[]): LabelRow[] {
  // Positions of each (code, day) series in the input, in order.
  const series = new Map<string, number[]>();
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    const key = `${bar.code}|${bar.trade_date}`;
    let positions = series.get(key);
    if (!positions) series.set(key, (positions = []));
    const previous = positions.length > 0 ? bars[positions[positions.length - 1]!]! : undefined;
    if (previous && bar.bar_ts !== previous.bar_ts + MINUTE_MS) {
      throw new FeatureInputError(
        `${bar.code} ${bar.trade_date} ${bar.minute} does not follow ${previous.minute}: labels need the gap-free grid`,
      );
    }
    positions.push(i);
  }
  const rows = new Array<LabelRow>(bars.length);
  for (const positions of series.values()) {
    const last = bars[positions[positions.length - 1]!]!;
    if (last.bar_ts !== closeBarTsOf(last.trade_date, last.ymcode)) {
      throw new FeatureInputError(
        `${last.code} ${last.trade_date} ends at ${last.minute}, before its session close: labels need whole days`,
      );
    }
    for (let t = 0; t < positions.length; t++) {
      const bar = bars[positions[t]!]!;
      const row = { ...barKeys(bar), asof_ts: bar.bar_ts + MINUTE_MS } as LabelRow;
      for (const [name, horizon] of HORIZONS) {
        const ahead = t + horizon < positions.length ? bars[positions[t + horizon]!]! : undefined;
        row[name] = ahead === undefined ? null : ahead.c / bar.c - 1;
      }
      rows[positions[t]!] = row;
    }
  }
  return rows;
}
