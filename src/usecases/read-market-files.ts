/**
 * Reads market data files from the local disk into summaries: KRX XML (ticks or codes) through the
 * streaming reader, and Binance captures through the feed reader. Used by the demo and the CLI.
 */
import { createReadStream, existsSync, globSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { readBinanceCapture } from '../core/market/binance/index.ts';
import { readKrxXml } from '../core/xml/krx-xml-reader.ts';
import type { ReadSummary } from '../core/xml/krx-rows.ts';

/**
 * Market data paths as a user writes them, as the files they name: a folder stands for the `.xml` files
 * directly in it, a pattern with `*`, `?`, `[…]` or `{…}` for the files it matches (`market/*_CALL.xml`,
 * `market/**\/*.xml`), any other path for itself. Sorted within each entry, duplicates dropped. An entry
 * that names nothing is an error that says which one: a study or a backtest never runs on fewer files than
 * the user meant without saying so.
 */
export function expandMarketPaths(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    let found: string[];
    if (existsSync(path) && statSync(path).isDirectory()) {
      found = readdirSync(path)
        .filter((name) => name.toLowerCase().endsWith('.xml'))
        .map((name) => join(path, name))
        .filter((file) => statSync(file).isFile());
      if (found.length === 0) throw new Error(`the folder ${path} has no .xml files`);
    } else if (/[*?[\]{}]/.test(path) && !existsSync(path)) {
      found = globSync(path).filter((file) => statSync(file).isFile());
      if (found.length === 0) throw new Error(`no file matches ${path}`);
    } else {
      if (!existsSync(path)) throw new Error(`no such file: ${path}`);
      found = [path];
    }
    for (const file of found.sort()) out.add(file);
  }
  return [...out];
}

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
