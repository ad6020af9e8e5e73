/**
 * Throughput of the Binance capture path on the bundled BTCUSDT capture: decoding alone, then the whole of
 * `readBinanceCapture` (decode + synchronised depth book + per-second snapshots + columnar events). The
 * capture is decompressed once into memory and replayed in 64 KiB chunks, so gunzip and disk stay out of
 * the figures; everything runs on one core. Prints figures; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { newFeedStats, readBinanceCapture, readCaptureMessages } from '../src/core/market/binance/index.ts';
import type { BenchResult } from './types.ts';

const CAPTURE = new URL('../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url);
const ROUNDS = 10;
const CHUNK = 64 * 1024;

async function* chunks(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
}

/** Seconds per round, the median of ROUNDS after one warm-up round. */
async function median(work: () => Promise<unknown>): Promise<number> {
  await work();
  const seconds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await work();
    seconds.push((performance.now() - started) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(ROUNDS / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  const text = gunzipSync(readFileSync(CAPTURE));
  const megabytes = text.byteLength / 1e6;
  const messages = (await readBinanceCapture(chunks(text))).stats.feed.lines;

  const decode = await median(async () => {
    for await (const _ of readCaptureMessages(chunks(text), newFeedStats()));
  });
  const full = await median(() => readBinanceCapture(chunks(text)));

  const label = `${(messages / 1000).toFixed(1)}k msgs, ${megabytes.toFixed(1)} MB`;
  return [
    { name: `decode only (${label})`, value: messages / decode, unit: 'msgs/s' },
    { name: 'decode only', value: megabytes / decode, unit: 'MB/s' },
    { name: 'decode + book + 1 s snapshots + events', value: messages / full, unit: 'msgs/s' },
    { name: 'decode + book + 1 s snapshots + events', value: megabytes / full, unit: 'MB/s' },
  ];
}
