/**
 * The minute features (`gold_features_1m`), computed one bar at a time from a per-code state of fixed
 * rolling windows. The live agent calls `FeatureEngine.update` on each bar it closes; the batch
 * (`computeFeatures`) runs the very same engine over a day's bars, so offline and live agree by
 * construction, down to the last bit.
 *
 * Lags count bars. Bars sit on a gap-free clock grid (see bars.ts), so a lag of k bars is exactly k clock
 * minutes; the engine refuses a bar that is not the next minute of its code's day rather than silently
 * stretching a lag. Each trade_date starts from an empty state: nothing carries across days.
 */
import { MINUTE_MS } from './bars.ts';
import type { MinuteBar } from './bars.ts';
import { RingBuffer, sampleStd, windowMax, windowMin } from './rolling.ts';
import { FEATURE_SPEC, MINUTES_PER_YEAR } from './spec.ts';
import type { FeatureName } from './spec.ts';

/** The columns that identify a bar, repeated on its feature and label rows. */
export type BarKeys = Pick<
  MinuteBar,
  'ymcode' | 'side' | 'code' | 'strike' | 'trade_date' | 'minute' | 'bar_ts'
>;

export type FeatureValues = Record<FeatureName, number | null>;

export interface FeatureRow extends BarKeys, FeatureValues {
  /** bar_ts + 1 minute: the end of the bar, the first instant these values are known. */
  asof_ts: number;
}

export class FeatureInputError extends Error {
  override readonly name = 'FeatureInputError';
}

const { windows } = FEATURE_SPEC;
const ANNUALISE = Math.sqrt(MINUTES_PER_YEAR);

/** The rolling state of one code on one trading day. */
class CodeDayState {
  readonly tradeDate: string;
  lastBarTs: number;
  /** c_{t-k} for k up to the longest close lag. */
  private readonly closes = new RingBuffer(windows.f_ret_5 + 1);
  private readonly ois = new RingBuffer(windows.f_oi_chg_5 + 1);
  private readonly highs = new RingBuffer(windows.f_range_5);
  private readonly lows = new RingBuffer(windows.f_range_5);
  /** One-bar simple returns r_i = c_i / c_{i-1} − 1. */
  private readonly returns = new RingBuffer(windows.f_vol_20);

  constructor(bar: MinuteBar) {
    this.tradeDate = bar.trade_date;
    this.lastBarTs = bar.bar_ts - MINUTE_MS;
  }

  update(bar: MinuteBar): FeatureValues {
    const { c } = bar;
    const previousClose = this.closes.length > 0 ? this.closes.back(0) : null;
    const ret1 = previousClose === null ? null : c / previousClose - 1;
    if (ret1 !== null) this.returns.push(ret1);
    this.closes.push(c);
    this.ois.push(bar.oi_last);
    this.highs.push(bar.h);
    this.lows.push(bar.l);
    this.lastBarTs = bar.bar_ts;

    const ret5 = this.closes.full ? c / this.closes.back(windows.f_ret_5) - 1 : null;
    const vol20 = this.returns.full ? sampleStd(this.returns) : null;
    return {
      f_ret_1: ret1,
      f_ret_5: ret5,
      f_vol_20: vol20,
      f_range_5: this.highs.full ? (windowMax(this.highs) - windowMin(this.lows)) / c : null,
      f_oi_chg_5: this.ois.full ? bar.oi_last - this.ois.back(windows.f_oi_chg_5) : null,
      f_spread_proxy: (bar.h - bar.l) / c,
      f_iv_proxy: vol20 === null ? null : vol20 * ANNUALISE,
    };
  }
}

/** Features for any number of codes, fed bar by bar (each code's bars in order; codes may interleave). */
export class FeatureEngine {
  private readonly states = new Map<string, CodeDayState>();

  update(bar: MinuteBar): FeatureRow {
    let state = this.states.get(bar.code);
    if (state && state.tradeDate !== bar.trade_date) {
      if (bar.trade_date < state.tradeDate) {
        throw new FeatureInputError(`${bar.code} ${bar.trade_date} comes after ${state.tradeDate}`);
      }
      state = undefined; // a new day: no carry
    }
    if (!state) {
      state = new CodeDayState(bar);
      this.states.set(bar.code, state);
    }
    if (bar.bar_ts !== state.lastBarTs + MINUTE_MS) {
      throw new FeatureInputError(
        `${bar.code} ${bar.trade_date} ${bar.minute}: expected the bar of ${new Date(state.lastBarTs + MINUTE_MS).toISOString()}; ` +
          'bars must be the gap-free minute grid of bars.ts, in order',
      );
    }
    return { ...barKeys(bar), asof_ts: bar.bar_ts + MINUTE_MS, ...state.update(bar) };
  }
}

/** Batch: the features of bars in the order given, through the engine the live agent uses. */
export function computeFeatures(bars: Iterable<MinuteBar>): FeatureRow[] {
  const engine = new FeatureEngine();
  const rows: FeatureRow[] = [];
  for (const bar of bars) rows.push(engine.update(bar));
  return rows;
}

export function barKeys(bar: MinuteBar): BarKeys {
  return {
    ymcode: bar.ymcode,
    side: bar.side,
    code: bar.code,
    strike: bar.strike,
    trade_date: bar.trade_date,
    minute: bar.minute,
    bar_ts: bar.bar_ts,
  };
}
