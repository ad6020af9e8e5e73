/**
 * One call from capture bytes (spot or USD-M futures) to what the market-making path needs: the engine's columnar events, one
 * market snapshot per second, and a report of everything that was odd about the input.
 *
 *   const { events, snapshots, stats } = await readBinanceCapture(createReadStream(f).pipe(createGunzip()));
 *
 * The capture is processed in file order, which is receive order. Should a receive timestamp go backwards
 * (a local clock step), the message keeps its place and is stamped with the latest time seen so far: the
 * order is what the agent experienced, and the engine requires non-decreasing time. Such steps are counted
 * in `stats.clock`. The bundled capture has none.
 */
import { EventColumnsBuilder } from '../events.ts';
import type { EventColumns } from '../events.ts';
import { BboBookCheck } from './bbo-check.ts';
import type { BboCheckStats } from './bbo-check.ts';
import { readCaptureMessages } from './capture-reader.ts';
import type { ReadCaptureOptions } from './capture-reader.ts';
import { DepthBookSync } from './depth-sync.ts';
import type { DepthSyncListener, DepthSyncStats } from './depth-sync.ts';
import { newFeedStats } from './messages.ts';
import type { DepthSnapshotMessage, DepthUpdateMessage, FeedMessage, FeedStats } from './messages.ts';
import { MarketSnapshotter } from './snapshots.ts';
import type { MarketSnapshot, SnapshotOptions, SnapshotStats } from './snapshots.ts';
import { BinanceEventWriter } from './to-events.ts';
import type { WrittenEventCounts } from './to-events.ts';

export interface BinanceCaptureOptions extends ReadCaptureOptions, SnapshotOptions {
  /**
   * The instrument the capture is about. Default: the symbol of the first stream message. Messages about
   * another symbol are counted (`stats.otherSymbol`) and left out. Pass it when a capture could begin with
   * a REST snapshot, which names no symbol.
   */
  symbol?: string;
  /** Depth updates held while waiting for a snapshot (default 10,000). */
  maxBufferedUpdates?: number;
}

/** The Binance market a capture comes from: spot, or USD-M (USDⓈ-margined) futures. */
export type BinanceVenue = 'spot' | 'usd-m';

/**
 * How the venue shows in a capture line (the host, which tells them apart, is not recorded): futures
 * depth updates carry `pu` and futures bookTickers carry `E`; spot's carry neither. Trades and REST
 * snapshots look alike on both and say nothing.
 */
export function venueOf(message: FeedMessage): BinanceVenue | undefined {
  if (message.type === 'depthUpdate') return message.previousFinalUpdateId === undefined ? 'spot' : 'usd-m';
  if (message.type === 'bbo') return message.exchangeMs === undefined ? 'spot' : 'usd-m';
  return undefined;
}

export interface ClockStats {
  /** Local receive time of the first and last message, UTC ms (NaN when there are none). */
  firstLocalMs: number;
  lastLocalMs: number;
  /** Messages whose receive time is earlier than an earlier line's, and the largest such step back. */
  nonMonotonic: number;
  maxBackwardStepMs: number;
  /** Local receive time minus exchange event time `E`, over trades and depth updates. */
  localMinusExchangeMs: { samples: number; min: number; max: number; mean: number };
}

export interface BinanceCaptureStats {
  symbol: string;
  /** From the first depth update or bookTicker (undefined when the capture has neither). */
  venue: BinanceVenue | undefined;
  /** Messages of the capture's symbol shaped like the other venue's (kept, and counted here). */
  venueConflicts: number;
  feed: FeedStats;
  otherSymbol: number;
  clock: ClockStats;
  depth: DepthSyncStats;
  bboCheck: BboCheckStats;
  snapshots: SnapshotStats;
  events: WrittenEventCounts & { total: number };
}

export interface BinanceCapture {
  events: EventColumns;
  snapshots: MarketSnapshot[];
  stats: BinanceCaptureStats;
}

export async function readBinanceCapture(
  bytes: AsyncIterable<Uint8Array>,
  options: BinanceCaptureOptions = {},
): Promise<BinanceCapture> {
  const feed = newFeedStats();
  const bboCheck = new BboBookCheck();
  const builder = new EventColumnsBuilder(64 * 1024);
  let symbol = options.symbol;
  let writer: BinanceEventWriter | undefined;
  // The writer registers the instrument by name, so it starts once the symbol is known.
  const events = (): BinanceEventWriter => (writer ??= new BinanceEventWriter(builder, symbol ?? 'UNKNOWN'));
  const depthListener: DepthSyncListener = {
    snapshotLoaded: (snapshot: DepthSnapshotMessage, atMs: number) => events().snapshotLoaded(snapshot, atMs),
    updateApplied: (update: DepthUpdateMessage, atMs: number) => {
      events().updateApplied(update, atMs);
      bboCheck.onBookUpdated(sync.book, update.finalUpdateId);
    },
  };
  const sync = new DepthBookSync({ maxBuffered: options.maxBufferedUpdates, listener: depthListener });
  const snapshotter = new MarketSnapshotter(sync, options);
  const clock = new ClockTracker();
  let otherSymbol = 0;
  let venue: BinanceVenue | undefined;
  let venueConflicts = 0;

  for await (const message of readCaptureMessages(bytes, feed, options)) {
    const { atNs, atMs } = clock.receive(message);
    // Every line with a message moves time on, whatever its symbol: the capture's duration is its lines'.
    snapshotter.onMessageAt(Number(atNs / 1_000_000_000n));
    if (message.type !== 'depthSnapshot') {
      symbol ??= message.symbol;
      if (message.symbol !== symbol) {
        otherSymbol++;
        continue;
      }
      const shape = venueOf(message);
      if (shape !== undefined && shape !== (venue ??= shape)) venueConflicts++;
    }
    switch (message.type) {
      case 'bbo':
        bboCheck.onBbo(message, sync.book, sync.lastUpdateId, sync.inSync);
        snapshotter.onBbo(message);
        events().bbo(message, atMs);
        break;
      case 'trade':
        snapshotter.onTrade(message);
        events().trade(message, atMs);
        break;
      case 'depthUpdate':
        sync.onUpdate(message, atMs);
        break;
      case 'depthSnapshot':
        sync.onSnapshot(message, atMs);
        break;
    }
  }
  snapshotter.finish();
  const clockStats = clock.stats();
  if (clockStats.lastLocalMs === clockStats.lastLocalMs) sync.finish(clockStats.lastLocalMs);

  const counts = writer?.counts ?? { trade: 0, bbo: 0, depthSnapshotLevels: 0, depthLevelChanges: 0 };
  const columns = builder.finish();
  return {
    events: columns,
    snapshots: snapshotter.snapshots,
    stats: {
      symbol: symbol ?? 'UNKNOWN',
      venue,
      venueConflicts,
      feed,
      otherSymbol,
      clock: clockStats,
      depth: sync.stats,
      bboCheck: bboCheck.stats,
      snapshots: snapshotter.stats,
      events: { ...counts, total: columns.length },
    },
  };
}

/** Receive-time bookkeeping: the effective (never decreasing) time, and the local-vs-exchange offset. */
class ClockTracker {
  private latestNs: bigint | undefined;
  private latestMs = NaN;
  private firstMs = NaN;
  private nonMonotonic = 0;
  private maxBackwardStepMs = 0;
  private offsetSamples = 0;
  private offsetSum = 0;
  private offsetMin = Infinity;
  private offsetMax = -Infinity;

  receive(message: FeedMessage): { atNs: bigint; atMs: number } {
    let latestNs = this.latestNs;
    if (latestNs === undefined) this.firstMs = message.localMs;
    if (latestNs !== undefined && message.localNs < latestNs) {
      this.nonMonotonic++;
      this.maxBackwardStepMs = Math.max(this.maxBackwardStepMs, this.latestMs - message.localMs);
    } else {
      latestNs = this.latestNs = message.localNs;
      this.latestMs = message.localMs;
    }
    if (message.type === 'trade' || message.type === 'depthUpdate') {
      const offset = message.localMs - message.exchangeMs;
      this.offsetSamples++;
      this.offsetSum += offset;
      if (offset < this.offsetMin) this.offsetMin = offset;
      if (offset > this.offsetMax) this.offsetMax = offset;
    }
    return { atNs: latestNs, atMs: this.latestMs };
  }

  stats(): ClockStats {
    const samples = this.offsetSamples;
    return {
      firstLocalMs: this.firstMs,
      lastLocalMs: this.latestMs,
      nonMonotonic: this.nonMonotonic,
      maxBackwardStepMs: this.maxBackwardStepMs,
      localMinusExchangeMs: {
        samples,
        min: samples ? this.offsetMin : NaN,
        max: samples ? this.offsetMax : NaN,
        mean: samples ? this.offsetSum / samples : NaN,
      },
    };
  }
}
