/**
 * The equity curve of a run (from its 1 s snapshots) cut into periods, turned into returns, and its
 * drawdowns. Snapshot equity is absolute (initial capital + PnL, marked to mid), as the engine keeps it for
 * the risk gate's drawdown-of-peak; the initial capital is the equity before the first snapshot.
 */
import type { SnapshotRecord } from '../trading/types.ts';

export interface PeriodClose {
  /** The period's key (a day 'YYYY-MM-DD', or an epoch minute or second number). */
  key: string | number;
  /** Time of the last snapshot in the period. */
  ts: number;
  /** Equity at that snapshot: the period's close. */
  equity: number;
}

/** The last snapshot of each period, in time order. `snapshots` must be in time order. */
export function periodCloses(
  snapshots: readonly SnapshotRecord[],
  periodOf: (ts: number) => string | number,
): PeriodClose[] {
  const closes: PeriodClose[] = [];
  for (const snapshot of snapshots) {
    const key = periodOf(snapshot.ts);
    const last = closes[closes.length - 1];
    if (last !== undefined && last.key === key) {
      last.ts = snapshot.ts;
      last.equity = snapshot.equity;
    } else {
      closes.push({ key, ts: snapshot.ts, equity: snapshot.equity });
    }
  }
  return closes;
}

/** Simple returns close over close, the first over `openingEquity`: r_i = E_i / E_(i−1) − 1. */
export function simpleReturns(closes: readonly PeriodClose[], openingEquity: number): number[] {
  const returns: number[] = [];
  let previous = openingEquity;
  for (const close of closes) {
    // A return on a non-positive base is meaningless; NaN makes every statistic built on it say so.
    returns.push(previous > 0 ? close.equity / previous - 1 : NaN);
    previous = close.equity;
  }
  return returns;
}

export interface Drawdown {
  /** Largest fall from a running peak, in currency. */
  amount: number;
  /** Largest fall from a running peak as a fraction of that peak (it may belong to another episode than `amount`). */
  fraction: number;
  /** Peak and trough times of the largest fall in currency (NaN when equity never fell). */
  peakTs: number;
  troughTs: number;
}

/** Drawdowns of the snapshot equity, the running peak starting at the initial capital. */
export function maxDrawdown(snapshots: readonly SnapshotRecord[], initialCapital: number): Drawdown {
  let peak = initialCapital;
  let peakTs = snapshots.length > 0 ? snapshots[0]!.ts : NaN;
  const result: Drawdown = { amount: 0, fraction: 0, peakTs: NaN, troughTs: NaN };
  for (const snapshot of snapshots) {
    if (snapshot.equity > peak) {
      peak = snapshot.equity;
      peakTs = snapshot.ts;
    }
    const fall = peak - snapshot.equity;
    if (fall > result.amount) {
      result.amount = fall;
      result.peakTs = peakTs;
      result.troughTs = snapshot.ts;
    }
    if (peak > 0 && fall / peak > result.fraction) result.fraction = fall / peak;
  }
  return result;
}
