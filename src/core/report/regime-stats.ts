/**
 * Per-regime views of a run: where the PnL was made, and how wide we quoted.
 *
 * Attribution rule: the equity change between two consecutive snapshots is attributed to the regime in
 * force at the earlier one (the regime that held over the interval). The change from the initial capital
 * to the first snapshot goes to the first snapshot's regime. So the per-regime PnLs add up to the total
 * PnL (final equity − initial capital) exactly, up to float rounding.
 *
 * The regime comes from a RegimeSeries when one is given (post-hoc tags, a model's output), else from the
 * snapshot's own `regime` field (what the engine had in force); a missing or empty regime is "unknown".
 */
import type { RegimeSeries, SnapshotRecord } from '../trading/types.ts';
import type { BoxStats } from './stats.ts';
import { boxStats } from './stats.ts';

export const UNKNOWN_REGIME = 'unknown';

export interface RegimePnl {
  regime: string;
  pnl: number;
  /** Time spent in the regime, summed over snapshot intervals (the span before the first snapshot is not counted). */
  durationMs: number;
  /** Snapshot intervals attributed to the regime. */
  intervals: number;
}

export function regimeAt(snapshot: SnapshotRecord, regimes: RegimeSeries | undefined): string {
  const regime = regimes !== undefined ? regimes.at(snapshot.ts) : snapshot.regime;
  return regime === undefined || regime === '' ? UNKNOWN_REGIME : regime;
}

/** PnL per regime, sorted by regime name. `snapshots` must be in time order (one instrument). */
export function pnlByRegime(
  snapshots: readonly SnapshotRecord[],
  initialCapital: number,
  regimes?: RegimeSeries,
): RegimePnl[] {
  const byRegime = new Map<string, RegimePnl>();
  let previousEquity = initialCapital;
  let previous: SnapshotRecord | undefined;
  for (const snapshot of snapshots) {
    const regime = regimeAt(previous ?? snapshot, regimes);
    let entry = byRegime.get(regime);
    if (entry === undefined) {
      entry = { regime, pnl: 0, durationMs: 0, intervals: 0 };
      byRegime.set(regime, entry);
    }
    entry.pnl += snapshot.equity - previousEquity;
    entry.durationMs += previous === undefined ? 0 : snapshot.ts - previous.ts;
    entry.intervals++;
    previousEquity = snapshot.equity;
    previous = snapshot;
  }
  return [...byRegime.values()].sort((a, b) => (a.regime < b.regime ? -1 : a.regime > b.regime ? 1 : 0));
}

export interface RegimeSpread extends BoxStats {
  regime: string;
}

/**
 * Our quoted spread (quoteAsk − quoteBid) per regime, over the snapshots where we were two-sided, sorted
 * by regime name. Regimes in which we never quoted both sides do not appear.
 */
export function quotedSpreadByRegime(
  snapshots: readonly SnapshotRecord[],
  regimes?: RegimeSeries,
): RegimeSpread[] {
  const spreads = new Map<string, number[]>();
  for (const snapshot of snapshots) {
    const spread = snapshot.quoteAsk - snapshot.quoteBid;
    if (!Number.isFinite(spread)) continue;
    const regime = regimeAt(snapshot, regimes);
    const list = spreads.get(regime);
    if (list === undefined) spreads.set(regime, [spread]);
    else list.push(spread);
  }
  return [...spreads.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([regime, values]) => ({ regime, ...boxStats(values) }));
}
