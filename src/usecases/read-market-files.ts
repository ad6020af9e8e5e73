/**
 * Reads market data files from the local disk into summaries: KRX XML (ticks or codes) through the
 * streaming reader, and Binance captures through the feed reader. Used by the demo and the CLI.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { readBinanceCapture } from '../core/market/binance/index.ts';
import { readKrxXml } from '../core/xml/krx-xml-reader.ts';
import type { ReadSummary } from '../core/xml/krx-rows.ts';

/** Reads each KRX XML file to the end (rows are counted, not kept) and returns its summary. */
export async function summariseKrxFiles(paths: string[]): Promise<ReadSummary[]> {
  const summaries: ReadSummary[] = [];
  for (const path of paths) {
    const reader = readKrxXml(createReadStream(path, { highWaterMark: 256 * 1024 }), {
      srcFile: basename(path),
    });
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        summaries.push(next.value);
        break;
      }
    }
  }
  return summaries;
}

export interface BinanceCaptureSummary {
  file: string;
  messages: number;
  unknown: number;
  malformed: number;
  durationSeconds: number;
  snapshots: number;
  sequenceGaps: number;
  staleUpdatesDropped: number;
  events: number;
  firstMid?: number;
  lastMid?: number;
}

export async function summariseBinanceCapture(path: string): Promise<BinanceCaptureSummary> {
  const source = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  const { snapshots, stats } = await readBinanceCapture(source);
  const feed = stats.feed;
  return {
    file: basename(path),
    messages: Object.values(feed.messages).reduce((sum, n) => sum + n, 0),
    unknown: feed.unknown,
    malformed: feed.malformed,
    durationSeconds: (stats.clock.lastLocalMs - stats.clock.firstLocalMs) / 1000,
    snapshots: snapshots.length,
    sequenceGaps: stats.depth.gaps,
    staleUpdatesDropped: stats.depth.staleDropped,
    events: stats.events.total,
    firstMid: snapshots[0]?.mid,
    lastMid: snapshots.at(-1)?.mid,
  };
}
