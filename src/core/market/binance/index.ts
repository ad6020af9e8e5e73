/**
 * Binance spot or USD-M futures capture → order book, per-second market snapshots and the engine's columnar events.
 * `readBinanceCapture` does it all in one call; the parts are exported for finer use and for tests.
 */
export { readBinanceCapture, venueOf } from './read-capture.ts';
export type {
  BinanceCapture,
  BinanceVenue,
  BinanceCaptureOptions,
  BinanceCaptureStats,
  ClockStats,
} from './read-capture.ts';
export { decodeCaptureLine, LineSplitter, parseStreamName, readCaptureMessages } from './capture-reader.ts';
export type { DecodedLine, ReadCaptureOptions } from './capture-reader.ts';
export { newFeedStats } from './messages.ts';
export type {
  BboMessage,
  DepthSnapshotMessage,
  DepthUpdateMessage,
  FeedMessage,
  FeedMessageType,
  FeedStats,
  PriceLevel,
  RejectedLine,
  TradeMessage,
} from './messages.ts';
export { BookSide, OrderBook } from './order-book.ts';
export type { SetLevelOutcome } from './order-book.ts';
export { DepthBookSync } from './depth-sync.ts';
export type {
  ChainRule,
  DepthSyncListener,
  DepthSyncOptions,
  DepthSyncStats,
  GapPhase,
  SequenceGap,
} from './depth-sync.ts';
export { BboBookCheck } from './bbo-check.ts';
export type { BboAgreement, BboCheckOptions, BboCheckStats } from './bbo-check.ts';
export { MarketSnapshotter } from './snapshots.ts';
export type { DepthSource, MarketSnapshot, SnapshotOptions, SnapshotStats } from './snapshots.ts';
export { bookSyncSummary, describeBookSync } from './sync-summary.ts';
export type { BookSyncSummary } from './sync-summary.ts';
export { BinanceEventWriter } from './to-events.ts';
export type { WrittenEventCounts } from './to-events.ts';
