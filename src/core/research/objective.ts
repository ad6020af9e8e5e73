/**
 * What a trial is worth: the engine's portfolio equity series measured over the windows that count (the
 * validation windows of the walk-forward folds while tuning, the test window at the end), and one number
 * from them for the optimiser.
 *
 *   pnl      the sum of the windows' PnL
 *   sharpe   mean / standard deviation of the windows' daily PnL × √252 (0 when there are fewer than two
 *            days or no variation: a strategy that never trades is not infinitely good)
 *   utility  pnl − riskAversion × the largest drawdown inside any window
 *
 * A window's PnL is the equity at its end minus the equity just before it starts, so a position carried
 * into the window is marked from there: the warm-up's PnL never counts.
 */
import { KST_OFFSET_MS } from '../market/kst.ts';

export type ObjectiveName = 'pnl' | 'sharpe' | 'utility';

/** The run's portfolio equity, one point per recorded second, in time order. */
export interface EquitySeries {
  ts: ArrayLike<number>;
  equity: ArrayLike<number>;
}

export interface WindowResult {
  fromMs: number;
  toMs: number;
  pnl: number;
  /** Largest fall from a running peak inside the window (≥ 0), the peak starting at the window's opening equity. */
  maxDrawdown: number;
  /** PnL per KST calendar day that has equity points in the window. */
  dailyPnl: number[];
}

/** The series measured over [fromMs, toMs): opening equity = the last point before fromMs (else the first in it). */
export function measureWindow(series: EquitySeries, fromMs: number, toMs: number): WindowResult {
  const { ts, equity } = series;
  let i = lowerBound(ts, fromMs);
  const end = lowerBound(ts, toMs);
  let open = i > 0 ? equity[i - 1]! : i < end ? equity[i]! : 0;
  const opening = open;
  let peak = open;
  let maxDrawdown = 0;
  const dailyPnl: number[] = [];
  let day = -1;
  let last = open;
  for (; i < end; i++) {
    const value = equity[i]!;
    const d = Math.floor((ts[i]! + KST_OFFSET_MS) / 86_400_000);
    if (d !== day) {
      if (day !== -1) dailyPnl.push(last - open);
      open = last;
      day = d;
    }
    last = value;
    if (value > peak) peak = value;
    if (peak - value > maxDrawdown) maxDrawdown = peak - value;
  }
  if (day !== -1) dailyPnl.push(last - open);
  return { fromMs, toMs, pnl: last - opening, maxDrawdown, dailyPnl };
}

export function objectiveValue(
  name: ObjectiveName,
  windows: readonly WindowResult[],
  riskAversion = 1,
): number {
  switch (name) {
    case 'pnl':
      return windows.reduce((sum, w) => sum + w.pnl, 0);
    case 'sharpe': {
      const daily = windows.flatMap((w) => w.dailyPnl);
      if (daily.length < 2) return 0;
      const mean = daily.reduce((a, b) => a + b, 0) / daily.length;
      const variance = daily.reduce((a, b) => a + (b - mean) ** 2, 0) / (daily.length - 1);
      return variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(252) : 0;
    }
    case 'utility': {
      const pnl = windows.reduce((sum, w) => sum + w.pnl, 0);
      const drawdown = windows.reduce((max, w) => Math.max(max, w.maxDrawdown), 0);
      return pnl - riskAversion * drawdown;
    }
  }
}

function lowerBound(values: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
