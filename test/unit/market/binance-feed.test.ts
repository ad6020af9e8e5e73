import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEPTH_SNAPSHOT,
  EVENT_BBO,
  EVENT_DEPTH,
  EVENT_TRADE,
  isTimeOrdered,
} from '../../../src/core/market/events.ts';
import {
  BookSide,
  decodeCaptureLine,
  DepthBookSync,
  LineSplitter,
  newFeedStats,
  OrderBook,
  readBinanceCapture,
  readCaptureMessages,
} from '../../../src/core/market/binance/index.ts';
import type {
  BinanceCapture,
  DepthSnapshotMessage,
  DepthUpdateMessage,
  FeedMessage,
} from '../../../src/core/market/binance/index.ts';

const CAPTURE = fileURLToPath(
  new URL('../../../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url),
);

/** The raw capture, split by hand: the independent reference the tests compare the reader with. */
interface RawLine {
  ns: string;
  second: number;
  json: string;
}

function rawLines(): RawLine[] {
  const text = gunzipSync(readFileSync(CAPTURE)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const space = line.indexOf(' ');
      const ns = line.slice(0, space);
      return { ns, second: Number(ns.slice(0, -9)), json: line.slice(space + 1) };
    });
}

const isBbo = (l: RawLine) => l.json.startsWith('{"stream":"btcusdt@bookTicker"');
const isTrade = (l: RawLine) => l.json.startsWith('{"stream":"btcusdt@trade"');
const isDepth = (l: RawLine) => l.json.startsWith('{"stream":"btcusdt@depth@100ms"');
const isSnapshot = (l: RawLine) => l.json.startsWith('{"lastUpdateId"');

/** Feeds text to the reader the way a stream would, in small chunks that cut lines (and characters). */
async function* bytesOf(text: string, chunkSize = 7): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}

async function messagesOf(
  text: string,
): Promise<{ messages: FeedMessage[]; stats: ReturnType<typeof newFeedStats> }> {
  const stats = newFeedStats();
  const messages: FeedMessage[] = [];
  for await (const message of readCaptureMessages(bytesOf(text), stats)) messages.push(message);
  return { messages, stats };
}

// Small synthetic lines, in the capture's exact format.
const T0 = 1723161253_000_000_000n;
const at = (ms: number) => String(T0 + BigInt(Math.round(ms * 1e6)));
const bboLine = (ms: number, u: number, bid: string, ask: string, bidQty = '1.0', askQty = '2.0') =>
  `${at(ms)} {"stream":"btcusdt@bookTicker","data":{"u":${u},"s":"BTCUSDT","b":"${bid}","B":"${bidQty}","a":"${ask}","A":"${askQty}"}}`;
const tradeLine = (ms: number, t: number, price: string, qty: string, m: boolean) =>
  `${at(ms)} {"stream":"btcusdt@trade","data":{"e":"trade","E":${1723161254000 + ms},"s":"BTCUSDT","t":${t},"p":"${price}","q":"${qty}","T":${1723161254000 + ms},"m":${m},"M":true}}`;
const depthLine = (
  ms: number,
  U: number,
  u: number,
  bids: [string, string][],
  asks: [string, string][] = [],
) =>
  `${at(ms)} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${1723161254000 + ms},"s":"BTCUSDT","U":${U},"u":${u},"b":${JSON.stringify(bids)},"a":${JSON.stringify(asks)}}}`;
const snapshotLine = (ms: number, lastUpdateId: number, bids: [string, string][], asks: [string, string][]) =>
  `${at(ms)} ${JSON.stringify({ lastUpdateId, bids, asks })}`;

describe('Binance capture, real file (BTCUSDT, 2024-08-08)', () => {
  let raw: RawLine[];
  let capture: BinanceCapture;

  beforeAll(async () => {
    raw = rawLines();
    capture = await readBinanceCapture(createReadStream(CAPTURE).pipe(createGunzip()));
  });

  it('decodes every one of the 41,249 lines, nothing unknown or malformed', () => {
    const { feed } = capture.stats;
    expect(raw).toHaveLength(41_249);
    expect(feed.lines).toBe(41_249);
    expect(feed.messages).toEqual({ bbo: 28_040, trade: 9_757, depthUpdate: 3_451, depthSnapshot: 1 });
    // The same counts, from the raw text.
    expect([raw.filter(isBbo).length, raw.filter(isTrade).length, raw.filter(isDepth).length]).toEqual([
      28_040, 9_757, 3_451,
    ]);
    expect(raw.filter(isSnapshot)).toHaveLength(1);
    expect(feed.unknown).toBe(0);
    expect(feed.malformed).toBe(0);
    expect(feed.examples).toEqual({ unknown: [], malformed: [] });
    expect(capture.stats.symbol).toBe('BTCUSDT');
    expect(capture.stats.otherSymbol).toBe(0);
  });

  it('has receive times in order, about 1.27 s behind the exchange clock', () => {
    const { clock } = capture.stats;
    expect(clock.nonMonotonic).toBe(0);
    expect(clock.localMinusExchangeMs.samples).toBe(9_757 + 3_451);
    expect(clock.localMinusExchangeMs.mean).toBeGreaterThan(-1300);
    expect(clock.localMinusExchangeMs.mean).toBeLessThan(-1250);
  });

  it('synchronises the book from the snapshot, dropping the stale buffered updates, with no sequence gap', () => {
    // Independently: depth updates received before the snapshot and already contained in it.
    const snapshotIndex = raw.findIndex(isSnapshot);
    const lastUpdateId = (JSON.parse(raw[snapshotIndex]!.json) as { lastUpdateId: number }).lastUpdateId;
    const stale = raw
      .slice(0, snapshotIndex)
      .filter(isDepth)
      .filter((l) => (JSON.parse(l.json) as { data: { u: number } }).data.u <= lastUpdateId);
    expect(snapshotIndex).toBe(7); // the 8th line
    expect(stale).toHaveLength(2);

    const { depth } = capture.stats;
    expect(depth.synchronisations).toBe(1);
    expect(depth.staleDropped).toBe(2);
    expect(depth.gaps).toBe(0);
    expect(depth.gapExamples).toEqual([]);
    expect(depth.appliedUpdates).toBe(3_451 - 2);
    expect(depth.buffered).toBe(0);
  });

  it('keeps a book that agrees exactly with bookTicker whenever both describe the same update id', () => {
    const { byUpdateId, onArrival } = capture.stats.bboCheck;
    expect(byUpdateId.checked).toBe(3_449);
    expect(byUpdateId.priceMismatched).toBe(0);
    expect(byUpdateId.qtyMismatched).toBe(0);
    // On arrival the 100 ms depth stream is always behind bookTicker in this capture: mismatches are expected.
    expect(onArrival.checked + onArrival.notInSync).toBe(28_040);
    expect(onArrival.bookBehind).toBe(onArrival.checked);
  });

  it('makes one snapshot per second of the capture, from the first second that has a bookTicker', () => {
    const firstSecond = raw[0]!.second;
    const lastSecond = raw[raw.length - 1]!.second;
    const firstBboSecond = raw.find(isBbo)!.second;
    // Duration: whole seconds of local receive time from the first line's to the last line's, inclusive;
    // snapshots cover those that end with a bookTicker known.
    expect(lastSecond - firstSecond + 1).toBe(347);
    const expected = lastSecond - firstBboSecond + 1;
    expect(expected).toBe(346);
    expect(capture.snapshots).toHaveLength(expected);
    expect(capture.stats.snapshots).toMatchObject({
      count: expected,
      captureSeconds: 347,
      secondsBeforeFirstBbo: 1,
      secondsOutOfSync: 0,
    });
    const ts = capture.snapshots.map((s) => s.ts);
    expect(ts[0]).toBe((firstBboSecond + 1) * 1000);
    expect(ts.every((t, i) => i === 0 || t === ts[i - 1]! + 1000)).toBe(true);
  });

  it('shows, at the end of each second, the bookTicker in force then', () => {
    let cursor = 0;
    let inForce: { b: string; a: string; B: string; A: string } | undefined;
    for (const snapshot of capture.snapshots) {
      const second = snapshot.ts / 1000 - 1;
      while (cursor < raw.length && raw[cursor]!.second <= second) {
        if (isBbo(raw[cursor]!)) inForce = (JSON.parse(raw[cursor]!.json) as { data: typeof inForce }).data;
        cursor++;
      }
      expect([snapshot.bid, snapshot.bidQty, snapshot.ask, snapshot.askQty]).toEqual(
        [inForce!.b, inForce!.B, inForce!.a, inForce!.A].map(Number),
      );
    }
    // Hand-checkable: the last bookTicker of second 1723161254 (line 346 of the file).
    expect(capture.snapshots[0]).toMatchObject({ ts: 1723161255000, bid: 61824, ask: 61824.01 });
  });

  it('sums trades per second and splits them by aggressor', () => {
    const firstBboSecond = raw.find(isBbo)!.second;
    const counted = raw.filter((l) => isTrade(l) && l.second >= firstBboSecond);
    const snapshots = capture.snapshots;
    expect(snapshots.reduce((n, s) => n + s.tradeCount, 0)).toBe(counted.length);
    const sold = counted.filter((l) => l.json.includes('"m":true'));
    const sellVolume = sold.reduce(
      (v, l) => v + Number((JSON.parse(l.json) as { data: { q: string } }).data.q),
      0,
    );
    expect(snapshots.reduce((v, s) => v + s.sellVolume, 0)).toBeCloseTo(sellVolume, 6);
    for (const s of snapshots) expect(s.buyVolume + s.sellVolume).toBeCloseTo(s.volume, 9);
  });

  it('never shows a crossed quote, and reports crossing if there were any', () => {
    expect(capture.stats.snapshots.crossedBboMessages).toBe(0);
    expect(capture.stats.snapshots.crossedSnapshots).toBe(0);
    for (const s of capture.snapshots) {
      expect(s.spread).toBeGreaterThanOrEqual(0);
      expect(s.bidDepth).toBeGreaterThan(0);
      expect(s.imbalance).toBeGreaterThanOrEqual(-1);
      expect(s.imbalance).toBeLessThanOrEqual(1);
      expect(s.bids).toHaveLength(5);
      expect(s.bids[0]!.price).toBeGreaterThan(s.bids[4]!.price);
      expect(s.asks[0]!.price).toBeLessThan(s.asks[4]!.price);
    }
  });

  it('converts to time-ordered columnar events, one per trade and bookTicker, depth as the book took it', () => {
    const { events, stats } = capture;
    const count = (kind: number, flag?: number) => {
      let n = 0;
      for (let i = 0; i < events.length; i++)
        if (events.kind[i] === kind && (flag === undefined || (events.flags[i]! & flag) === flag)) n++;
      return n;
    };
    expect(count(EVENT_TRADE)).toBe(9_757);
    expect(count(EVENT_BBO)).toBe(28_040);
    expect(count(EVENT_DEPTH, DEPTH_SNAPSHOT)).toBe(2_000);
    expect(count(EVENT_DEPTH)).toBe(2_000 + stats.depth.appliedLevelChanges);
    expect(events.length).toBe(9_757 + 28_040 + 2_000 + stats.depth.appliedLevelChanges);
    expect(events.instruments).toEqual(['BTCUSDT']);
    expect(isTimeOrdered(events)).toBe(true);
    // The first event is the first bookTicker (line 3): the two depth updates before it wait for the
    // snapshot (line 8). The snapshot's levels and the buffered update that bridges it share its time.
    const ms = (l: RawLine) => Number(l.ns.slice(0, -6)) + Number(l.ns.slice(-6)) / 1e6;
    expect(events.kind[0]).toBe(EVENT_BBO);
    expect(events.ts[0]).toBe(ms(raw[2]!));
    const firstDepth = events.kind.indexOf(EVENT_DEPTH);
    expect(events.ts[firstDepth]).toBe(ms(raw[7]!));
    expect(events.ts[firstDepth + 2_000]).toBe(ms(raw[7]!));
    expect(events.flags[firstDepth + 2_000]! & DEPTH_SNAPSHOT).toBe(0);

    // Aggressor sides match the raw `m` flags (m=true: the buyer was the maker, the taker sold).
    let sells = 0;
    for (let i = 0; i < events.length; i++)
      if (events.kind[i] === EVENT_TRADE && events.side[i] === -1) sells++;
    expect(sells).toBe(raw.filter((l) => isTrade(l) && l.json.includes('"m":true')).length);
  });

  it('replays its DEPTH events into the same book the snapshots saw', () => {
    const { events } = capture;
    const book = new OrderBook();
    for (let i = 0; i < events.length; i++) {
      if (events.kind[i] !== EVENT_DEPTH) continue;
      book.side(events.side[i] as 1 | -1).set(events.price[i]!, events.size[i]!);
    }
    const last = capture.snapshots[capture.snapshots.length - 1]!;
    expect(book.bids.top(5)).toEqual(last.bids);
    expect(book.asks.top(5)).toEqual(last.asks);
  });
});

describe('capture reader, synthetic lines', () => {
  it('counts an unknown stream and an unknown object as unknown, with examples', async () => {
    const { messages, stats } = await messagesOf(
      [
        `${at(1)} {"stream":"btcusdt@kline_1m","data":{"e":"kline"}}`,
        `${at(2)} {"result":null,"id":1}`,
        bboLine(3, 10, '100.0', '101.0'),
      ].join('\n'),
    );
    expect(messages.map((m) => m.type)).toEqual(['bbo']);
    expect(stats.unknown).toBe(2);
    expect(stats.malformed).toBe(0);
    expect(stats.examples.unknown.map((e) => e.line)).toEqual([1, 2]);
    expect(stats.examples.unknown[0]!.reason).toContain('btcusdt@kline_1m');
  });

  it('counts broken lines as malformed: bad JSON, no timestamp, bad fields, blank', async () => {
    const { messages, stats } = await messagesOf(
      [
        `${at(1)} {"stream":"btcusdt@trade","data":{"e":"trade"`,
        `{"stream":"btcusdt@bookTicker"}`,
        `${at(3)} {"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":" ","B":"1","a":"2","A":"1"}}`,
        `${at(4)} {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":"yes"}}`,
        '',
        tradeLine(6, 7, '100.5', '0.25', true),
      ].join('\r\n'),
    );
    expect(messages).toHaveLength(1);
    expect(stats.lines).toBe(6);
    expect(stats.malformed).toBe(5);
    expect(stats.examples.malformed.map((e) => e.reason)).toEqual([
      'invalid JSON',
      'not "<receive ns> <json>"',
      'bookTicker: "b", "B", "a" or "A" is not a decimal',
      'trade: "m" is not a boolean',
      'empty line',
    ]);
  });

  it('derives the aggressor from "m": buyer is maker means the taker sold', () => {
    const sold = decodeCaptureLine(tradeLine(1, 1, '100', '1', true));
    const bought = decodeCaptureLine(tradeLine(1, 2, '100', '1', false));
    expect(sold.ok && sold.message.type === 'trade' && sold.message.aggressor).toBe(-1);
    expect(bought.ok && bought.message.type === 'trade' && bought.message.aggressor).toBe(1);
  });

  it('keeps the exact receive time and both clocks', () => {
    const decoded = decodeCaptureLine(
      '1723161254087896568 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}',
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok || decoded.message.type !== 'trade') throw new Error('not a trade');
    expect(decoded.message).toMatchObject({
      localNs: 1723161254087896568n,
      tradeId: 3735683259,
      price: 61837.63,
      qty: 0.02,
      aggressor: -1,
      tradeMs: 1723161255342,
      exchangeMs: 1723161255343,
    });
    expect(decoded.message.localMs - 1723161254087).toBeCloseTo(0.896568, 3);
  });

  it('splits lines across chunk boundaries, including inside a multi-byte character', () => {
    const splitter = new LineSplitter();
    const bytes = new TextEncoder().encode('a€b\nsecond\r\nlast');
    const lines = [
      ...splitter.push(bytes.subarray(0, 2)),
      ...splitter.push(bytes.subarray(2)),
      ...splitter.end(),
    ];
    expect(lines).toEqual(['a€b', 'second', 'last']);
  });
});

describe('depth book synchronisation, synthetic', () => {
  const snapshot = (lastUpdateId: number, ms = 50): DepthSnapshotMessage => {
    const decoded = decodeCaptureLine(
      snapshotLine(
        ms,
        lastUpdateId,
        [
          ['100.0', '1.0'],
          ['99.0', '2.0'],
        ],
        [['101.0', '3.0']],
      ),
    );
    if (!decoded.ok || decoded.message.type !== 'depthSnapshot') throw new Error('bad test snapshot');
    return decoded.message;
  };
  const update = (
    U: number,
    u: number,
    bids: [string, string][],
    asks: [string, string][] = [],
  ): DepthUpdateMessage => {
    const decoded = decodeCaptureLine(depthLine(U, U, u, bids, asks));
    if (!decoded.ok || decoded.message.type !== 'depthUpdate') throw new Error('bad test update');
    return decoded.message;
  };

  it('buffers until the snapshot, drops stale buffered updates, bridges, then applies removals', () => {
    const applied: number[] = [];
    const sync = new DepthBookSync({ listener: { updateApplied: (u) => applied.push(u.finalUpdateId) } });
    sync.onUpdate(update(5, 8, [['98.0', '1.0']]), 1);
    sync.onUpdate(update(9, 10, [['97.0', '1.0']]), 2); // stale: the snapshot is at 10
    sync.onUpdate(update(11, 13, [['99.0', '0.00000000']]), 3); // bridges 10: removes 99
    expect(sync.inSync).toBe(false);
    expect(sync.stats.buffered).toBe(3);

    sync.onSnapshot(snapshot(10), 4);
    expect(sync.inSync).toBe(true);
    expect(sync.stats.staleDropped).toBe(2);
    expect(applied).toEqual([13]);
    expect(sync.book.bids.levels()).toEqual([{ price: 100, qty: 1 }]);

    sync.onUpdate(update(14, 15, [['100.0', '0']], [['100.5', '0.5']]), 5);
    expect(sync.book.bestBid()).toBeNaN();
    expect(sync.book.bestAsk()).toBe(100.5);
    expect(sync.book.asks.depth(5)).toBe(3.5);
    expect(sync.lastUpdateId).toBe(15);
    expect(sync.stats.gaps).toBe(0);
  });

  it('detects a sequence gap, reports it, goes out of sync and resynchronises on the next snapshot', () => {
    const sync = new DepthBookSync();
    sync.onSnapshot(snapshot(10), 1);
    sync.onUpdate(update(11, 12, [['100.0', '5.0']]), 2);
    sync.onUpdate(update(14, 16, [['100.0', '6.0']]), 3); // 13 missing
    expect(sync.stats.gaps).toBe(1);
    expect(sync.stats.gapExamples[0]).toMatchObject({
      phase: 'live',
      expectedFirstUpdateId: 13,
      firstUpdateId: 14,
    });
    expect(sync.inSync).toBe(false);
    expect(sync.book.bids.levelCount).toBe(0);

    sync.onUpdate(update(17, 18, [['100.0', '7.0']]), 4);
    sync.onSnapshot(snapshot(16), 5);
    expect(sync.inSync).toBe(true);
    expect(sync.stats.synchronisations).toBe(2);
    expect(sync.stats.staleDropped).toBe(1);
    expect(sync.book.bids.qtyAt(100)).toBe(7);
  });

  it('treats an update that overlaps the previous one as a gap too (U must be exactly u + 1)', () => {
    const sync = new DepthBookSync();
    sync.onSnapshot(snapshot(10), 1);
    sync.onUpdate(update(11, 14, [['100.0', '5.0']]), 2);
    sync.onUpdate(update(13, 16, [['100.0', '6.0']]), 3);
    expect(sync.stats.gapExamples).toMatchObject([
      { phase: 'live', expectedFirstUpdateId: 15, firstUpdateId: 13 },
    ]);
    expect(sync.inSync).toBe(false);
  });

  it('reports a snapshot older than the buffered stream as a failed bridge', () => {
    const sync = new DepthBookSync();
    sync.onUpdate(update(20, 25, [['100.0', '1.0']]), 1);
    sync.onSnapshot(snapshot(10), 2);
    expect(sync.inSync).toBe(false);
    expect(sync.stats.gapExamples[0]).toMatchObject({ phase: 'bridge', expectedFirstUpdateId: 11 });
    expect(sync.stats.buffered).toBe(1);
  });
});

describe('order book side', () => {
  it('keeps levels sorted best first for both sides', () => {
    const bids = new BookSide(true);
    const asks = new BookSide(false);
    for (const price of [10, 12, 11, 9]) {
      bids.set(price, price / 10);
      asks.set(price, price / 10);
    }
    expect(bids.top(3).map((l) => l.price)).toEqual([12, 11, 10]);
    expect(asks.top(3).map((l) => l.price)).toEqual([9, 10, 11]);
    expect(bids.set(12, 0)).toBe('removed');
    expect(bids.set(12, 0)).toBe('absent');
    expect(bids.set(11, 5)).toBe('updated');
    expect(bids.bestPrice()).toBe(11);
    expect(bids.depth(2)).toBe(6);
    expect(bids.depth(99)).toBeCloseTo(6.9, 12);
  });
});

describe('readBinanceCapture, synthetic', () => {
  it('skips no seconds, marks those before the first bookTicker, and sums each second', async () => {
    const text = [
      depthLine(100, 5, 8, []),
      snapshotLine(200, 8, [['100.0', '1.0']], [['101.0', '3.0']]),
      bboLine(1_100, 9, '100.0', '101.0'),
      tradeLine(1_200, 1, '101.0', '0.5', false),
      tradeLine(1_300, 2, '100.0', '0.25', true),
      depthLine(1_400, 9, 10, [['100.0', '2.0']]),
      tradeLine(3_500, 3, '100.0', '1.0', true), // second 2 is quiet
    ].join('\n');
    const { snapshots, stats, events } = await readBinanceCapture(bytesOf(text), { depthLevels: 2 });
    expect(stats.snapshots).toMatchObject({
      captureSeconds: 4,
      secondsBeforeFirstBbo: 1,
      secondsWithoutMessages: 1,
      count: 3,
    });
    const T0ms = Number(T0 / 1_000_000n);
    expect(snapshots.map((s) => s.ts - T0ms)).toEqual([2_000, 3_000, 4_000]);
    expect(snapshots[0]).toMatchObject({ volume: 0.75, buyVolume: 0.5, sellVolume: 0.25, tradeCount: 2 });
    expect(snapshots[0]).toMatchObject({ bidDepth: 2, askDepth: 3, imbalance: -0.2, spread: 1, mid: 100.5 });
    expect(snapshots[1]).toMatchObject({ tradeCount: 0, volume: 0, lastTradePrice: 100 });
    expect(snapshots[2]).toMatchObject({ tradeCount: 1, sellVolume: 1 });
    expect(stats.depth.staleDropped).toBe(1);
    expect(stats.events).toMatchObject({ trade: 3, bbo: 1, depthSnapshotLevels: 2, depthLevelChanges: 1 });
    expect(isTimeOrdered(events)).toBe(true);
  });

  it('keeps file order when a receive time steps back, stamping it with the latest time seen', async () => {
    const text = [bboLine(500, 1, '100.0', '101.0'), tradeLine(400, 1, '100.0', '1.0', true)].join('\n');
    const { events, stats } = await readBinanceCapture(bytesOf(text));
    expect(stats.clock.nonMonotonic).toBe(1);
    expect(stats.clock.maxBackwardStepMs).toBeCloseTo(100, 6);
    expect(Array.from(events.kind)).toEqual([EVENT_BBO, EVENT_TRADE]);
    expect(events.ts[1]).toBe(events.ts[0]);
    expect(isTimeOrdered(events)).toBe(true);
  });
});
