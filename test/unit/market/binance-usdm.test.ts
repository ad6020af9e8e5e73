/**
 * USD-M futures depth: futures update ids skip between events and chain by `pu == previous u`, not by
 * spot's `U == previous u + 1`. Read with the spot rule, every futures update is a gap and none is applied.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bookSyncSummary,
  decodeCaptureLine,
  DepthBookSync,
  describeBookSync,
  parseStreamName,
  readBinanceCapture,
} from '../../../src/core/market/binance/index.ts';
import type {
  BinanceCapture,
  DepthSnapshotMessage,
  DepthUpdateMessage,
} from '../../../src/core/market/binance/index.ts';

const FUTURES = fileURLToPath(
  new URL('../../fixtures/binance/binance-usdm-btcusdt-synthetic.gz', import.meta.url),
);
const SPOT = fileURLToPath(new URL('../../../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url));

interface RawDepth {
  U: number;
  u: number;
  pu: number;
}

describe('USD-M futures capture (raw Binance format, BTCUSDT perpetual)', () => {
  let capture: BinanceCapture;
  let depth: RawDepth[];
  let snapshotIndex: number;
  let lastUpdateId: number;

  beforeAll(async () => {
    // The independent reference: the raw lines, parsed by hand.
    const lines = gunzipSync(readFileSync(FUTURES)).toString('utf8').trim().split('\n');
    const json = lines.map(
      (line) => JSON.parse(line.slice(line.indexOf(' ') + 1)) as Record<string, unknown>,
    );
    snapshotIndex = json.findIndex((j) => 'lastUpdateId' in j);
    lastUpdateId = json[snapshotIndex]!.lastUpdateId as number;
    depth = json.filter((j) => j.stream === 'btcusdt@depth@100ms').map((j) => j.data as RawDepth);
    capture = await readBinanceCapture(createReadStream(FUTURES).pipe(createGunzip()));
  });

  it('is a futures stream: ids skip between events, each pu is the previous u', () => {
    expect(depth.length).toBe(600);
    for (let i = 1; i < depth.length; i++) {
      expect(depth[i]!.pu).toBe(depth[i - 1]!.u);
      expect(depth[i]!.U).toBeGreaterThan(depth[i - 1]!.u + 1);
    }
    expect(capture.stats.venue).toBe('usd-m');
    expect(capture.stats.venueConflicts).toBe(0);
    expect(capture.stats.symbol).toBe('BTCUSDT');
  });

  it('applies every update after the snapshot (was: 0 applied, 600 gaps)', () => {
    const d = capture.stats.depth;
    // Futures: stale is u < lastUpdateId; the event ending at lastUpdateId is the bridge.
    const stale = depth.filter((x) => x.u < lastUpdateId).length;
    expect(stale).toBe(10);
    expect(d.updatesReceived).toBe(600);
    expect(d.updatesByRule).toEqual({ spot: 0, 'usd-m': 600 });
    expect(d.staleDropped).toBe(stale);
    expect(d.appliedUpdates).toBe(600 - stale);
    expect(d.gaps).toBe(0);
    expect(d.synchronisations).toBe(1);
    expect(d.resyncs).toBe(0);
    expect(d.buffered).toBe(0);
  });

  it('keeps a book that agrees exactly with bookTicker at the same update id', () => {
    const check = capture.stats.bboCheck.byUpdateId;
    expect(check.checked).toBe(590);
    expect(check.priceMismatched).toBe(0);
    expect(check.qtyMismatched).toBe(0);
  });

  it('is out of sync only until the snapshot arrives', () => {
    const { depth: d, clock } = capture.stats;
    const lines = gunzipSync(readFileSync(FUTURES)).toString('utf8').trim().split('\n');
    const ms = (line: string) => Number(BigInt(line.slice(0, line.indexOf(' '))) / 1000n) / 1000;
    const firstDepth = lines.find((l) => l.includes('@depth@100ms'))!;
    expect(d.outOfSyncMs).toBeCloseTo(ms(lines[snapshotIndex]!) - ms(firstDepth), 2);
    expect(d.inSyncMs).toBeCloseTo(clock.lastLocalMs - ms(lines[snapshotIndex]!), 2);
  });
});

describe('USD-M futures capture without a REST snapshot', () => {
  it('chains the buffered updates by pu (no gaps; was 599) and says the book never synchronised', async () => {
    const text = gunzipSync(readFileSync(FUTURES)).toString('utf8');
    const withoutSnapshot = text
      .split('\n')
      .filter((line) => !line.includes('"lastUpdateId"'))
      .join('\n');
    async function* bytes() {
      yield new TextEncoder().encode(withoutSnapshot);
    }
    const { stats } = await readBinanceCapture(bytes());
    const summary = bookSyncSummary(stats);
    expect(stats.depth.gaps).toBe(0);
    expect(summary).toMatchObject({
      venue: 'usd-m',
      depthUpdates: 600,
      appliedUpdates: 0,
      unappliedUpdates: 600,
      snapshots: 0,
      synchronised: false,
      hasDepth: true,
    });
    expect(summary.secondsInSync).toBe(0);
    expect(summary.secondsOutOfSync).toBeGreaterThan(55);
    expect(describeBookSync(summary)).toMatch(
      /^0 of 600 depth updates applied .* the book NEVER synchronised$/,
    );
  });
});

describe('stream names and venue', () => {
  it('takes the symbol from the stream name, the same on spot and futures', () => {
    expect(parseStreamName('btcusdt@depth@100ms')).toEqual({ symbol: 'BTCUSDT', kind: 'depth@100ms' });
    expect(parseStreamName('ethusdt@bookTicker')).toEqual({ symbol: 'ETHUSDT', kind: 'bookTicker' });
  });

  it('tells the spot capture from a futures one by the payloads', async () => {
    const spot = await readBinanceCapture(createReadStream(SPOT).pipe(createGunzip()));
    expect(spot.stats.venue).toBe('spot');
    expect(spot.stats.depth.updatesByRule).toEqual({ spot: 3_451, 'usd-m': 0 });
    expect(spot.stats.depth.gaps).toBe(0);
    expect(spot.stats.depth.resyncs).toBe(0);
  });
});

describe('futures depth synchronisation, synthetic', () => {
  const T0 = 1723161253_000_000_000n;
  const at = (ms: number) => String(T0 + BigInt(ms) * 1_000_000n);
  const update = (
    ms: number,
    U: number,
    u: number,
    pu: number,
    bid: [string, string],
  ): DepthUpdateMessage => {
    const line = `${at(ms)} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":${U},"u":${u},"pu":${pu},"b":[${JSON.stringify(bid)}],"a":[]}}`;
    const decoded = decodeCaptureLine(line);
    if (!decoded.ok || decoded.message.type !== 'depthUpdate') throw new Error('bad test update');
    return decoded.message;
  };
  const snapshot = (ms: number, lastUpdateId: number): DepthSnapshotMessage => {
    const line = `${at(ms)} ${JSON.stringify({ lastUpdateId, E: 1, T: 1, bids: [['100.0', '1.000']], asks: [['100.1', '2.000']] })}`;
    const decoded = decodeCaptureLine(line);
    if (!decoded.ok || decoded.message.type !== 'depthSnapshot') throw new Error('bad test snapshot');
    return decoded.message;
  };

  it('decodes pu; a malformed pu is malformed', () => {
    expect(update(0, 10, 20, 5, ['100.0', '1.000']).previousFinalUpdateId).toBe(5);
    const bad = decodeCaptureLine(
      `${at(0)} {"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":10,"u":20,"pu":"5","b":[],"a":[]}}`,
    );
    expect(bad).toMatchObject({
      ok: false,
      category: 'malformed',
      reason: 'depthUpdate: "pu" is not an integer',
    });
  });

  it('bridges on U <= lastUpdateId <= u, chains by pu, reports a pu gap, and resyncs with the time out of sync', () => {
    const sync = new DepthBookSync();
    sync.onUpdate(update(0, 90, 99, 80, ['99.0', '1.000']), 0); // stale: u < 100
    sync.onUpdate(update(100, 100, 100, 99, ['99.5', '1.000']), 100); // u == lastUpdateId: the bridge
    sync.onSnapshot(snapshot(150, 100), 150);
    expect(sync.inSync).toBe(true);
    expect(sync.stats.staleDropped).toBe(1);
    expect(sync.stats.appliedUpdates).toBe(1);
    sync.onUpdate(update(200, 140, 160, 100, ['100.0', '3.000']), 200); // ids skip: pu chains
    expect(sync.stats.gaps).toBe(0);
    expect(sync.book.bids.qtyAt(100)).toBe(3);

    sync.onUpdate(update(1_000, 180, 190, 170, ['100.0', '4.000']), 1_000); // pu 170 != 160
    expect(sync.inSync).toBe(false);
    expect(sync.stats.gapExamples).toEqual([
      {
        phase: 'live',
        rule: 'usd-m',
        line: 0,
        localMs: Number(T0 / 1_000_000n) + 1_000,
        expectedPreviousFinalUpdateId: 160,
        firstUpdateId: 180,
        finalUpdateId: 190,
        previousFinalUpdateId: 170,
      },
    ]);
    sync.onUpdate(update(1_100, 195, 210, 190, ['100.0', '5.000']), 1_100);
    sync.onSnapshot(snapshot(3_500, 200), 3_500); // U 195 <= 200 <= u 210: bridges
    expect(sync.inSync).toBe(true);
    expect(sync.stats.resyncs).toBe(1);
    expect(sync.book.bids.qtyAt(100)).toBe(5);
    sync.finish(4_000);
    // Out of sync 0–150 ms before the first snapshot and 1,000–3,500 ms after the gap.
    expect(sync.stats.outOfSyncMs).toBe(150 + 2_500);
    expect(sync.stats.inSyncMs).toBe(850 + 500);
  });
});
