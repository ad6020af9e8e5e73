/**
 * What a user must know about a capture's order book before trusting a backtest on it: which venue's
 * continuity rule it followed, how many depth updates the book took, the gaps and resyncs, and how long it
 * was in and out of sync. The CLI prints it, `--json` carries it and the HTML report shows it.
 */
import type { BinanceCaptureStats, BinanceVenue } from './read-capture.ts';

export interface BookSyncSummary {
  symbol: string;
  /** The venue the payloads show (undefined: no depth update or bookTicker in the capture). */
  venue: BinanceVenue | undefined;
  depthUpdates: number;
  appliedUpdates: number;
  staleUpdates: number;
  /** Updates neither applied nor stale: dropped at gaps, by buffer overflow, or still buffered at the end. */
  unappliedUpdates: number;
  snapshots: number;
  gaps: number;
  resyncs: number;
  secondsInSync: number;
  secondsOutOfSync: number;
  /** Whether the book was ever in sync (false with depth data means the depth was never usable). */
  synchronised: boolean;
  /** Depth updates or snapshots present at all (a bookTicker-only capture has no book to sync). */
  hasDepth: boolean;
}

export function bookSyncSummary(stats: BinanceCaptureStats): BookSyncSummary {
  const d = stats.depth;
  return {
    symbol: stats.symbol,
    venue: stats.venue,
    depthUpdates: d.updatesReceived,
    appliedUpdates: d.appliedUpdates,
    staleUpdates: d.staleDropped,
    unappliedUpdates: d.updatesReceived - d.appliedUpdates - d.staleDropped,
    snapshots: d.snapshotsReceived,
    gaps: d.gaps,
    resyncs: d.resyncs,
    secondsInSync: d.inSyncMs / 1000,
    secondsOutOfSync: d.outOfSyncMs / 1000,
    synchronised: d.inSyncMs > 0,
    hasDepth: d.updatesReceived + d.snapshotsReceived > 0,
  };
}

/** One line for the CLI, e.g. "590 of 600 depth updates applied (10 stale), 0 gaps, 0 resyncs, 1.1 s out of sync". */
export function describeBookSync(s: BookSyncSummary): string {
  if (!s.hasDepth) return 'no depth stream in the capture: the book is bookTicker only';
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `${n(s.appliedUpdates)} of ${n(s.depthUpdates)} depth updates applied (${n(s.staleUpdates)} stale), ` +
    `${n(s.gaps)} gaps, ${n(s.resyncs)} resyncs, ${s.secondsOutOfSync.toFixed(1)} s out of sync, ` +
    `${s.secondsInSync.toFixed(1)} s in sync${s.synchronised ? '' : ' — the book NEVER synchronised'}`
  );
}
