/**
 * The stepping driver runs exactly what the batch loop runs. On the real KRX day and the real BTCUSDT
 * capture (with feed, order and response latency), the same events pushed one at a time, each decision taken by
 * hand from the instrument's own strategy, give a result deep-equal to `runBacktest`; so do chunks of
 * random sizes from an async iterator with random pauses and a decision callback that awaits; and an
 * instrument first seen in a later chunk joins the run and trades.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBinanceCapture } from '../../../src/core/market/binance/index.ts';
import { eventAt } from '../../../src/core/market/events.ts';
import type { EventColumns } from '../../../src/core/market/events.ts';
import { binanceInstrument } from '../../../src/core/market/instrument-specs.ts';
import { krxTradeEvents } from '../../../src/core/market/krx-events.ts';
import { Random } from '../../../src/core/math/random.ts';
import type { BacktestConfig } from '../../../src/core/sim/config.ts';
import { SimDriver, runBacktest, runStream } from '../../../src/core/sim/driver.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { TickRow } from '../../../src/core/xml/krx-rows.ts';
import { backtestConfig } from '../../../src/usecases/backtest-setup.ts';
import { HEAVY_HOOK_TIMEOUT_MS, HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const data = (path: string) => fileURLToPath(new URL(`../../../data/${path}`, import.meta.url));
/** A few codes' per-second snapshots (all 306 codes' would be 7.7 M records a day). */
const SNAPSHOTTED = ['B0161680', 'B0161600', 'C0161450'];
const NO_LIMITS = { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' };

let krxTicks: TickRow[];
let krx: EventColumns;
let btc: EventColumns;

beforeAll(async () => {
  krxTicks = [];
  for (const file of ['202601_20251201_TICK_CALL.xml', '202601_20251201_TICK_PUT.xml'])
    krxTicks.push(
      ...(await readKrxXmlAll(createReadStream(data(`krx-options-20251201/${file}`)), { srcFile: file }))
        .ticks,
    );
  krx = krxTradeEvents(krxTicks);
  btc = (
    await readBinanceCapture(
      createReadStream(data('crypto/binance-spot-btcusdt-20240808.gz')).pipe(createGunzip()),
    )
  ).events;
}, HEAVY_HOOK_TIMEOUT_MS);

/** A fresh configuration (strategies and the risk gate keep state: one per run). */
const CASES: Record<string, () => { events: EventColumns; config: () => BacktestConfig }> = {
  'KRX day, A&S without loss limits': () => ({
    events: krx,
    config: () => backtestConfig('krx', { strategy: 'as', params: NO_LIMITS, snapshots: SNAPSHOTTED }).config,
  }),
  'BTCUSDT capture, A&S, queue fills, feed 20 ms, order 10 ms and response 15 ms latency': () => ({
    events: btc,
    config: () =>
      backtestConfig('binance', {
        strategy: 'as',
        instrument: binanceInstrument('spot', 'BTCUSDT'),
        params: { ...NO_LIMITS, minSpreadFraction: 0.00001, gamma: 0.05 },
        feedLatencyMs: 20,
        orderLatencyMs: 10,
        responseLatencyMs: 15,
      }).config,
  }),
};

describe('SimDriver', () => {
  for (const [name, make] of Object.entries(CASES)) {
    it(
      `${name}: pushed one event at a time, decided by hand = the batch run`,
      () => {
        const { events, config } = make();
        const batch = runBacktest(events, config());
        expect(batch.tradeLog.length).toBeGreaterThan(0);

        const driver = new SimDriver(config(), { decisions: 'caller' });
        let decisions = 0;
        const drain = () => {
          for (;;) {
            const step = driver.advance();
            if (step === undefined || step.kind !== 'decision') return step;
            driver.decide(step.strategy.decide(step.view, step.account, step.nowMs));
            decisions++;
          }
        };
        for (let i = 0; i < events.length; i++) {
          driver.push(eventAt(events, i));
          expect(drain()?.kind).toBe('waiting');
        }
        driver.close();
        expect(drain()?.kind).toBe('done');
        expect(decisions).toBe(batch.stats.strategyCalls);
        expect(driver.result()).toEqual(batch);
      },
      HEAVY_TEST_TIMEOUT_MS,
    );

    it(
      `${name}: an async iterator of random chunks with random pauses, decisions awaited = the batch run`,
      async () => {
        const { events, config } = make();
        const batch = runBacktest(events, config());
        const random = Random.derive('driver-stream');
        async function* chunks() {
          for (let i = 0; i < events.length;) {
            const size = 1 + Math.floor(random.float() * 2000);
            yield eventAt(events, i, size);
            i += size;
            if (random.float() < 0.05)
              await new Promise((resolve) => setTimeout(resolve, random.float() * 2));
          }
        }
        let awaited = 0;
        const streamed = await runStream(config(), chunks(), async (step) => {
          // A prediction computed outside the decision: the engine waits for it at the decision point.
          if (random.float() < 0.01) {
            awaited++;
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
          return step.strategy.decide(step.view, step.account, step.nowMs);
        });
        expect(awaited).toBeGreaterThan(0);
        expect(streamed).toEqual(batch);
        // The strategies deciding by themselves, over the same kind of stream, give it too.
        expect(await runStream(config(), chunks())).toEqual(runBacktest(events, config()));
      },
      HEAVY_TEST_TIMEOUT_MS,
    );
  }

  it(
    'takes in instruments first seen in a later chunk (a new option listed mid-day), and they trade',
    async () => {
      const sorted = [...krxTicks].sort((a, b) => a.ts - b.ts);
      const half = sorted[Math.floor(sorted.length / 2)]!.ts;
      const morning = krxTradeEvents(sorted.filter((t) => t.ts < half));
      const afternoon = krxTradeEvents(sorted.filter((t) => t.ts >= half));
      const newcomers = afternoon.instruments.filter((code) => !morning.instruments.includes(code));
      expect(newcomers.length).toBeGreaterThan(0);
      const config = () =>
        backtestConfig('krx', { strategy: 'as', params: NO_LIMITS, snapshots: SNAPSHOTTED }).config;
      async function* two() {
        yield morning;
        yield afternoon;
      }
      const streamed = await runStream(config(), two());
      const traded = new Set(streamed.tradeLog.map((t) => t.instrument));
      expect(newcomers.some((code) => traded.has(code))).toBe(true);
      // The same ticks as one table: the same run (instruments join in order of first appearance either way).
      expect(streamed).toEqual(runBacktest(krx, config()));
    },
    HEAVY_TEST_TIMEOUT_MS,
  );

  it('refuses events out of order, events after close, and a decision nobody asked for', () => {
    const driver = new SimDriver(backtestConfig('krx', { strategy: 'as', params: {} }).config, {
      decisions: 'caller',
    });
    driver.push(eventAt(krx, 10));
    expect(() => driver.push(eventAt(krx, 0))).toThrow(/events out of order/);
    expect(() => driver.decide({ quotes: [], marketOrder: 0 })).toThrow(/no decision is awaited/);
    expect(() => driver.result()).toThrow(/has not reached its end/);
    driver.close();
    expect(() => driver.push(eventAt(krx, 20))).toThrow(/stream is closed/);
  });
});
