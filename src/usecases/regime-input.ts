/**
 * The regime a backtest's strategy sees (`quotelab backtest --regimes`): none; the synthetic market's
 * true labels (`labels`: the `labels_YYYYMMDD.csv` files next to the XML, or with `--source table` the
 * labels ingested into the lake with the market); labels CSV files named by a
 * path, a folder or a pattern (with any source, the lake included); or one fixed regime for the whole run.
 *
 * A name the strategy does not know would leave its base parameters on silently (a typo such as
 * `hi_vol`, or a preset name it did not accept as a label), so names and CSV labels are checked against
 * the known ones, and a labels file that cannot be read is an error naming the file and line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { IcebergTable } from '../core/lake/iceberg/index.ts';
import { REGIME_LABELS_1M } from '../core/lake/tables.ts';
import { NotRegimeLabelsError, parseRegimeLabels } from '../core/market/regime-labels.ts';
import type { Platform } from '../core/platform.ts';
import type { RegimeSeries } from '../core/sim/index.ts';
import { REGIME_LABELS } from '../core/strategy/index.ts';
import { expandMarketPaths } from './read-market-files.ts';
import { tradeDateFilter } from './silver-trades.ts';

/** Regime names `--regimes` takes as a fixed regime: the labels the A&S presets answer to. */
export const KNOWN_REGIMES: readonly string[] = Object.freeze(Object.keys(REGIME_LABELS).sort());

export interface RegimeSources {
  /** Where the events came from: 'table' (the lake) or the KRX XML files read. */
  source: 'table' | 'binance' | { xml: readonly string[] };
  /** The lake, for `labels` with the table source, and the trade dates the run replays. */
  lake?: Pick<Platform, 'lake' | 'namespace'>;
  from?: string;
  to?: string;
}

/** The regime series for a `--regimes` choice, or undefined for none. */
export async function regimeInput(choice: string, sources: RegimeSources): Promise<RegimeSeries | undefined> {
  if (choice === 'none') return undefined;
  if (choice === 'labels' && sources.source === 'table' && sources.lake)
    return lakeLabelSeries(sources.lake, sources);
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
      `--regimes labels reads the labels_YYYYMMDD.csv files next to KRX XML files (or, with --source table, ` +
        `the labels in the lake); with a Binance capture name the labels CSV instead (--regimes FILE.csv, or the folder it is in)`,
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

/** Minute labels from labels CSV files (see `core/market/regime-labels.ts`); any bad line is an error. */
function labelSeries(files: readonly string[]): RegimeSeries {
  const byMinute = new Map<number, string>();
  for (const file of files) {
    let parsed;
    try {
      parsed = parseRegimeLabels(readFileSync(file, 'utf8'), KNOWN_REGIMES);
    } catch (error) {
      if (error instanceof NotRegimeLabelsError) throw new Error(`${file}: ${error.message}`);
      throw error;
    }
    const problem = parsed.problems[0];
    if (problem) throw new Error(`${file} line ${problem.line}: ${problem.detail}`);
    for (const label of parsed.labels) byMinute.set(label.minuteTs, label.regime);
  }
  if (byMinute.size === 0) throw new Error(`no labels in ${files.join(', ')}`);
  return seriesOf(byMinute);
}

/**
 * The labels ingested into the lake (`regime_labels`) for KST trade dates `from`..`to` (inclusive,
 * open-ended when absent): the labels of the market that `--source table` replays.
 */
async function lakeLabelSeries(
  platform: Pick<Platform, 'lake' | 'namespace'>,
  range: { from?: string; to?: string },
): Promise<RegimeSeries> {
  const identifier = { namespace: platform.namespace, name: REGIME_LABELS_1M.name };
  const rows = (await platform.lake.catalog.loadTable(identifier))
    ? await (
        await IcebergTable.load(platform.lake, identifier)
      ).read({ filter: tradeDateFilter(range.from, range.to), columns: ['minute_ts', 'regime'] })
    : [];
  if (rows.length === 0) {
    const dates = range.from || range.to ? ` for ${range.from ?? '…'}..${range.to ?? '…'}` : '';
    throw new Error(
      `--regimes labels with --source table reads the lake's ${REGIME_LABELS_1M.name} table, which has no labels${dates}: ` +
        'ingest the labels_YYYYMMDD.csv files with the market (quotelab ingest market/*.xml market/labels_*.csv), ' +
        'or name a labels CSV (--regimes FILE.csv)',
    );
  }
  const byMinute = new Map<number, string>();
  for (const row of rows) byMinute.set(Number(row.minute_ts as bigint) / 1000, row.regime as string);
  return seriesOf(byMinute);
}

function seriesOf(byMinute: ReadonlyMap<number, string>): RegimeSeries {
  return { at: (ts) => byMinute.get(ts - (ts % 60_000)) };
}
