/**
 * The regime a backtest's strategy sees (`quotelab backtest --regimes`): none; the synthetic market's
 * true labels (`labels`: the `labels_YYYYMMDD.csv` files next to the XML); labels CSV files named by a
 * path, a folder or a pattern (with any source, the lake included); or one fixed regime for the whole run.
 *
 * A name the strategy does not know would leave its base parameters on silently (a typo such as
 * `hi_vol`, or a preset name it did not accept as a label), so names and CSV labels are checked against
 * the known ones, and a labels file that cannot be read is an error naming the file and line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { kstToUtcMs } from '../core/market/kst.ts';
import type { RegimeSeries } from '../core/sim/index.ts';
import { REGIME_LABELS } from '../core/strategy/index.ts';
import { expandMarketPaths } from './read-market-files.ts';

/** Regime names `--regimes` takes as a fixed regime: the labels the A&S presets answer to. */
export const KNOWN_REGIMES: readonly string[] = Object.freeze(Object.keys(REGIME_LABELS).sort());

export interface RegimeSources {
  /** Where the events came from: 'table' (the lake) or the KRX XML files read. */
  source: 'table' | 'binance' | { xml: readonly string[] };
}

/** The regime series for a `--regimes` choice, or undefined for none. */
export function regimeInput(choice: string, sources: RegimeSources): RegimeSeries | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'labels') return labelSeries(labelFilesNextTo(sources));
  if (KNOWN_REGIMES.includes(choice)) return { at: () => choice };
  if (isLabelsPath(choice)) return labelSeries(labelsFilesAt(choice));
  throw new RangeError(
    `unknown regime ${JSON.stringify(choice)}: --regimes takes none, labels, a labels CSV (file, folder ` +
      `or pattern), or one of ${KNOWN_REGIMES.join(', ')}`,
  );
}

function isLabelsPath(choice: string): boolean {
  return choice.toLowerCase().endsWith('.csv') || /[/\\*?]/.test(choice) || existsSync(choice);
}

function labelFilesNextTo(sources: RegimeSources): string[] {
  if (sources.source === 'table' || sources.source === 'binance')
    throw new Error(
      `--regimes labels reads the labels_YYYYMMDD.csv files next to KRX XML files; with ${
        sources.source === 'table' ? '--source table' : 'a Binance capture'
      } name the labels CSV instead (--regimes market/labels_*.csv, or the folder they are in)`,
    );
  const files = [
    ...new Set(
      sources.source.xml
        .map((p) => join(dirname(p), `labels_${/_(\d{8})_TICK_/.exec(basename(p))?.[1] ?? 'none'}.csv`))
        .filter((file) => existsSync(file)),
    ),
  ].sort();
  if (files.length === 0)
    throw new Error(
      '--regimes labels needs labels_YYYYMMDD.csv files next to the XML (quotelab generate writes them); ' +
        'or name a labels CSV: --regimes FILE.csv',
    );
  return files;
}

/** A CSV file, the labels_*.csv files of a folder, or the files a pattern matches. */
function labelsFilesAt(path: string): string[] {
  const isFolder = existsSync(path) && statSync(path).isDirectory();
  return expandMarketPaths([isFolder ? join(path, 'labels_*.csv') : path]);
}

/**
 * Minute labels from CSV files with a header that has `date` (YYYY-MM-DD, KST), `minute` (HH:MM) and
 * `regime` columns (`quotelab generate`'s `date,minute,regime,close`); any other columns are ignored.
 */
function labelSeries(files: readonly string[]): RegimeSeries {
  const byMinute = new Map<number, string>();
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',');
    const [date, minute, regime] = ['date', 'minute', 'regime'].map((name) => header.indexOf(name));
    if (date! < 0 || minute! < 0 || regime! < 0)
      throw new Error(
        `${file}: not a labels CSV (the header needs date, minute and regime columns, got ${JSON.stringify(lines[0] ?? '')})`,
      );
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n]!;
      if (line.trim() === '') continue;
      const cells = line.split(',');
      const [d, m, r] = [cells[date!] ?? '', cells[minute!] ?? '', (cells[regime!] ?? '').trim()];
      const where = `${file} line ${n + 1}`;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || !/^\d{2}:\d{2}$/.test(m))
        throw new Error(`${where}: date must be YYYY-MM-DD and minute HH:MM, got ${JSON.stringify(line)}`);
      if (!KNOWN_REGIMES.includes(r))
        throw new Error(`${where}: unknown regime ${JSON.stringify(r)}; known: ${KNOWN_REGIMES.join(', ')}`);
      byMinute.set(kstToUtcMs(d, `${m.replace(':', '')}00`), r);
    }
  }
  if (byMinute.size === 0) throw new Error(`no labels in ${files.join(', ')}`);
  return { at: (ts) => byMinute.get(ts - (ts % 60_000)) };
}
