/**
 * Binance websocket messages (spot and USD-M futures) after decoding: one typed shape per message kind, numbers already parsed,
 * each stamped with the local receive time of the capture line it came from.
 *
 * Two clocks travel together on purpose. `localMs` is when our process received the message: that is the
 * moment an agent could have acted on it, so it is the event time the backtester sees. The exchange time
 * (`exchangeMs`, Binance's `E`, and `tradeMs`, `T`) is kept for latency studies; in the bundled capture the
 * local clock runs about 1.3 s behind the exchange's, so the two must never be mixed up.
 */

/** One price level: a quantity of 0 in an update means "remove this level". */
export interface PriceLevel {
  readonly price: number;
  readonly qty: number;
}

interface Received {
  /** Local receive time, exact, in nanoseconds since the UTC epoch. */
  readonly localNs: bigint;
  /** Local receive time in UTC epoch milliseconds (float: about 0.25 µs resolution at today's epoch). */
  readonly localMs: number;
  /** 1-based line number in the capture, for error reports. */
  readonly line: number;
}

/** `<symbol>@bookTicker`: the best bid and ask, pushed on every change (faster than the depth stream). */
export interface BboMessage extends Received {
  readonly type: 'bbo';
  readonly symbol: string;
  /** The order book update id this top of book reflects (same sequence as the depth stream's U/u). */
  readonly updateId: number;
  readonly bid: number;
  readonly bidQty: number;
  readonly ask: number;
  readonly askQty: number;
  /** Event time `E` on the exchange clock, UTC ms: sent by USD-M futures only (spot's bookTicker has none). */
  readonly exchangeMs?: number;
}

/** `<symbol>@trade`: one execution. */
export interface TradeMessage extends Received {
  readonly type: 'trade';
  readonly symbol: string;
  readonly tradeId: number;
  readonly price: number;
  readonly qty: number;
  /**
   * +1 the aggressor bought, -1 the aggressor sold. Binance's `m` says "the buyer is the maker": when it is
   * true the resting order was the bid, so the taker sold.
   */
  readonly aggressor: 1 | -1;
  /** Trade time `T` on the exchange clock, UTC ms. */
  readonly tradeMs: number;
  /** Event time `E` on the exchange clock, UTC ms. */
  readonly exchangeMs: number;
}

/** `<symbol>@depth[@100ms]`: the level changes between two order book update ids. */
export interface DepthUpdateMessage extends Received {
  readonly type: 'depthUpdate';
  readonly symbol: string;
  /** `U`: the first update id in this event. */
  readonly firstUpdateId: number;
  /** `u`: the final update id in this event. */
  readonly finalUpdateId: number;
  /**
   * `pu`: the final update id of the previous event, sent by USD-M futures only. Futures update ids are not
   * consecutive from one event to the next, so futures chain by `pu == previous u`, spot by
   * `U == previous u + 1`; its presence is what tells the two streams apart.
   */
  readonly previousFinalUpdateId?: number;
  /** Event time `E` on the exchange clock, UTC ms. */
  readonly exchangeMs: number;
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
}

/** A REST `GET /api/v3/depth` answer written into the capture: the book as of `lastUpdateId`. */
export interface DepthSnapshotMessage extends Received {
  readonly type: 'depthSnapshot';
  readonly lastUpdateId: number;
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
}

export type FeedMessage = BboMessage | TradeMessage | DepthUpdateMessage | DepthSnapshotMessage;
export type FeedMessageType = FeedMessage['type'];

/** A capture line that produced no message, kept as an example for the report. */
export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
  /** The start of the line (long lines are cut). */
  readonly text: string;
}

/**
 * What the reader saw. Every line lands in exactly one bucket: a message type, `unknown` (well-formed, but
 * a kind of message this reader does not handle, e.g. another stream or a subscription reply) or
 * `malformed` (not `<ns> <json>`, bad JSON, or a known message with missing or invalid fields).
 */
export interface FeedStats {
  lines: number;
  /** Uncompressed bytes read. */
  bytes: number;
  messages: Record<FeedMessageType, number>;
  unknown: number;
  malformed: number;
  /** The first few rejected lines of each category. */
  examples: { unknown: RejectedLine[]; malformed: RejectedLine[] };
}

export function newFeedStats(): FeedStats {
  return {
    lines: 0,
    bytes: 0,
    messages: { bbo: 0, trade: 0, depthUpdate: 0, depthSnapshot: 0 },
    unknown: 0,
    malformed: 0,
    examples: { unknown: [], malformed: [] },
  };
}
