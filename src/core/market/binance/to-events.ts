/**
 * Writes decoded Binance messages into the engine's columnar events (see ../events.ts for field meanings).
 * Timestamps are the local receive time in ms, the moment our agent could have known each event.
 *
 * Only depth the synchronised book accepted becomes DEPTH events: the snapshot's levels (flagged
 * DEPTH_SNAPSHOT, bids then asks) and then the level changes of each applied update, so a consumer that
 * replays them rebuilds exactly the book `DepthBookSync` kept. Updates buffered before a snapshot take
 * effect when the snapshot arrives, and carry its time: stamping them with their own earlier receive time
 * would both break time order and pretend the book was known before it was.
 */
import { DEPTH_SNAPSHOT } from '../events.ts';
import type { EventColumnsBuilder } from '../events.ts';
import type { DepthSyncListener } from './depth-sync.ts';
import type { BboMessage, DepthSnapshotMessage, DepthUpdateMessage, TradeMessage } from './messages.ts';

export interface WrittenEventCounts {
  trade: number;
  bbo: number;
  depthSnapshotLevels: number;
  depthLevelChanges: number;
}

export class BinanceEventWriter implements DepthSyncListener {
  readonly counts: WrittenEventCounts = { trade: 0, bbo: 0, depthSnapshotLevels: 0, depthLevelChanges: 0 };
  private readonly builder: EventColumnsBuilder;
  private readonly instrument: number;

  /** `instrument`: the name the events table lists (e.g. "BTCUSDT"). */
  constructor(builder: EventColumnsBuilder, instrument: string) {
    this.builder = builder;
    this.instrument = builder.instrumentId(instrument);
  }

  trade(trade: TradeMessage, atMs: number): void {
    this.builder.trade(atMs, this.instrument, trade.price, trade.qty, trade.aggressor);
    this.counts.trade++;
  }

  bbo(bbo: BboMessage, atMs: number): void {
    this.builder.bbo(atMs, this.instrument, bbo.bid, bbo.bidQty, bbo.ask, bbo.askQty);
    this.counts.bbo++;
  }

  snapshotLoaded(snapshot: DepthSnapshotMessage, atMs: number): void {
    for (const level of snapshot.bids)
      this.builder.depth(atMs, this.instrument, 1, level.price, level.qty, DEPTH_SNAPSHOT);
    for (const level of snapshot.asks)
      this.builder.depth(atMs, this.instrument, -1, level.price, level.qty, DEPTH_SNAPSHOT);
    this.counts.depthSnapshotLevels += snapshot.bids.length + snapshot.asks.length;
  }

  updateApplied(update: DepthUpdateMessage, atMs: number): void {
    for (const level of update.bids) this.builder.depth(atMs, this.instrument, 1, level.price, level.qty);
    for (const level of update.asks) this.builder.depth(atMs, this.instrument, -1, level.price, level.qty);
    this.counts.depthLevelChanges += update.bids.length + update.asks.length;
  }
}
