/**
 * A backtest from a request to its outputs: load the events (KRX ticks from the lake or from XML files, or a
 * Binance capture), build the strategy, fill model, fees and risk gate for the market, run the one engine,
 * then compute metrics, render the HTML report, and write the extended trade log and 1 s snapshots to the
 * lake (`mm_trades`, `mm_snapshots`) and, on request, as Seed B's CSV files.
 */
import { createHash } from 'node:crypto';
import { InterruptedError, throwIfInterrupted } from '../core/concurrency/interrupt.ts';
import { createReadStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createGunzip } from 'node:zlib';
import { marketSnapshotsCsv, snapshotsByDate, tradeHistoryCsv } from '../core/export/seed-b-csv.ts';
import { mmSnapshotRow, mmTradeRow } from '../core/lake/etl/mm-rows.ts';
import type { RunInfo } from '../core/lake/etl/mm-rows.ts';
import { IcebergTable } from '../core/lake/iceberg/index.ts';
import { MM_SNAPSHOTS, MM_TRADES } from '../core/lake/tables.ts';
import type { LakeTable } from '../core/lake/tables.ts';
import { bookSyncSummary, describeBookSync, readBinanceCapture } from '../core/market/binance/index.ts';
import type { BookSyncSummary } from '../core/market/binance/index.ts';
import { EVENT_TRADE } from '../core/market/events.ts';
import type { EventColumns } from '../core/market/events.ts';
import { binanceInstrument, parseInstrumentOverride } from '../core/market/instrument-specs.ts';
import type { CryptoInstrument } from '../core/market/instrument-specs.ts';
import { krxTradeEvents } from '../core/market/krx-events.ts';
import type { TradeTick } from '../core/market/krx-events.ts';
import { kstToUtcMs } from '../core/market/kst.ts';
import type { Platform } from '../core/platform.ts';
import {
  bookSyncSection,
  computeRunMetrics,
  midPath,
  renderHtmlReport,
  riskTimelineLines,
  tagRegimes,
} from '../core/report/index.ts';
import { LimitRiskGate } from '../core/risk/index.ts';
import type { RiskTimeline } from '../core/risk/index.ts';
import type { MarketTradePoint, RunMetrics } from '../core/report/index.ts';
import { CURRENCIES } from '../core/report/format.ts';
import { runBacktestInterruptibly } from '../core/sim/index.ts';
import type { BacktestResult, SnapshotRecord, TradeLogEntry } from '../core/sim/index.ts';
import { readKrxXmlAll } from '../core/xml/krx-xml-reader.ts';
import { backtestConfig } from './backtest-setup.ts';
import type { FillModelName, StrategyName } from './backtest-setup.ts';
import { marketProfile } from './market-profile.ts';
import type { MarketProfile } from './market-profile.ts';
import { expandMarketPaths } from './read-market-files.ts';
import { regimeInput } from './regime-input.ts';
import type { RegimeSources } from './regime-input.ts';
import { readSilverTrades } from './silver-trades.ts';

export type { FillModelName, StrategyName } from './backtest-setup.ts';

export interface BacktestRequest {
  strategy: StrategyName;
  /** 'table' (silver_ticks in the lake) or local files: KRX XML, or a Binance capture (.gz). */
  source: { kind: 'table' } | { kind: 'files'; paths: string[] };
  codes?: string[];
  /** Trade dates (KST, YYYY-MM-DD), inclusive. */
  from?: string;
  to?: string;
  /** Strategy (and `risk.*`, `fees.*`) parameters as k=v pairs; nested keys with dots (e.g. volatility.window=30). */
  params?: Record<string, string>;
  fillModel?: FillModelName;
  feedLatencyMs?: number;
  orderLatencyMs?: number;
  responseLatencyMs?: number;
  /**
   * The regime input the strategy sees: 'none', 'labels' (the synthetic market's true regimes, from the
   * labels_*.csv files next to the XML), a labels CSV (file, folder or pattern; any source), or a fixed
   * regime name (an unknown one fails with the known ones). See regime-input.ts. Post-hoc tags are computed after the run
   * for the report only (using them as input would be look-ahead).
   */
  regimes?: string;
  /** KRX instruments that get 1 s snapshots: the N most traded (default 5), or 'all'. */
  snapshotCodes?: number | 'all';
  /** Write mm_trades / mm_snapshots (default true). */
  writeLake?: boolean;
  /**
   * Binance: the instrument as `VENUE:SYMBOL[,tick=T,lot=L,minNotional=N]`, instead of the venue and symbol
   * read from the capture (needed for a symbol the venue table lacks).
   */
  instrument?: string;
  /** Binance: run even though the depth book never synchronised (fills then rest on bookTicker alone). */
  allowUnsyncedBook?: boolean;
  onProgress?: (stage: string) => void;
  /** Engine progress (events processed of total). */
  onEvents?: (processed: number, total: number) => void;
  /**
   * Stops the run (Ctrl-C): reading and the engine stop within a fraction of a second and
   * `InterruptedError` is thrown with nothing written. Once the lake write has begun it is finished, so a
   * run's rows are in both tables or in neither.
   */
  signal?: AbortSignal;
}

export interface BacktestSummary {
  runId: string;
  market: 'krx' | 'binance';
  strategy: string;
  dataSource: string;
  instruments: number;
  events: number;
  result: BacktestResult;
  metrics: RunMetrics;
  html: string;
  tradeHistoryCsv: string;
  snapshotCsvs: Map<string, string>;
  lakeSnapshots: Record<string, string>;
  /** When and why the risk gate halted or went reduce-only (per trading day, and limit episodes). */
  riskTimeline: RiskTimeline;
  /** The same in lines for a terminal (times in the market's zone). */
  riskTimelineLines: string[];
  seconds: number;
  /** Where the caller wrote the HTML report, if it did. */
  reportPath?: string;
  /** Binance: the instrument traded and where its specs came from. */
  instrument?: CryptoInstrument & { from: 'venue table' | '--instrument' };
  /** Binance: the order book's synchronisation (gaps, resyncs, time out of sync). */
  book?: BookSyncSummary;
}

export async function runBacktestRequest(
  platform: Platform,
  request: BacktestRequest,
): Promise<BacktestSummary> {
  const started = performance.now();
  const progress = request.onProgress ?? (() => {});
  // Checked before the events load: a bad --regimes fails at once.
  const regimes = await regimeInput(request.regimes ?? 'none', {
    source: regimeSourceOf(request.source),
    lake: platform,
    from: request.from,
    to: request.to,
  });
  progress('loading events');
  const loaded = await loadEvents(platform, request);
  const { events, market } = loaded;
  if (events.length === 0)
    throw new Error(`no events in ${loaded.dataSource} for the requested codes and dates`);
  const runId = `${request.strategy}-${createHash('sha256')
    .update(JSON.stringify({ ...request, onProgress: undefined, signal: undefined }))
    .digest('hex')
    .slice(0, 12)}`;
  const profile = marketProfile(market, loaded.instrument);
  const snapshotNames = profile.snapshotsOfBusiest
    ? busiestCodes(events, request.snapshotCodes ?? 5)
    : undefined;
  const {
    config,
    specs,
    capital: accountCapital,
  } = backtestConfig(market, {
    strategy: request.strategy,
    instrument: loaded.instrument,
    referencePrice: loaded.referencePrice,
    params: request.params ?? {},
    fillModel: request.fillModel,
    feedLatencyMs: request.feedLatencyMs,
    orderLatencyMs: request.orderLatencyMs,
    responseLatencyMs: request.responseLatencyMs,
    regimes,
    snapshots: snapshotNames ?? 'traded',
    onProgress: request.onEvents,
  });

  progress(`running ${events.length.toLocaleString('en-US')} events`);
  const result = await runBacktestInterruptibly(events, config, request.signal);

  progress('metrics and report');
  const riskTimeline =
    config.riskGate instanceof LimitRiskGate
      ? config.riskGate.timeline()
      : { days: [], episodes: [], omittedEpisodes: 0 };
  const zone = profile.zone;
  const portfolio = portfolioSnapshots(result);
  const focus = focusInstrument(result, events);
  const tagged = tagRegimes(midPath(focus.snapshots, profile.inSession));
  const trades = result.tradeLog.map((entry) => ({ ...entry, instrument: PORTFOLIO }));
  const capital = profile.portfolioCapital(accountCapital, specs.size);
  const metrics = computeRunMetrics(
    {
      trades,
      snapshots: portfolio,
      initialCapital: capital,
      ordersSent: result.stats.ordersSent,
      equityAtStart: profile.equityAtStart(accountCapital, specs.size),
    },
    {
      instrument: PORTFOLIO,
      regimes: regimes ?? tagged,
      inSession: profile.inSession,
      dayOf: profile.dayOf,
      tradingDaysPerYear: profile.tradingDaysPerYear,
      sessionSecondsPerDay: profile.sessionSecondsPerDay,
    },
  );
  const html = renderHtmlReport({
    meta: {
      title: `${strategyLabel(request.strategy)} on ${loaded.dataSource}`,
      strategy: strategyLabel(request.strategy),
      parameters: {
        ...request.params,
        fillModel: request.fillModel ?? profile.defaultFillModel,
        regimes: request.regimes ?? 'none',
      },
      dataSource: loaded.dataSource,
      notes: instrumentNotes(result, profile),
      currency: CURRENCIES[profile.currency],
      priceTick: profile.priceTick(loaded.instrument),
    },
    metrics,
    trades,
    snapshots: portfolio,
    regimes: regimes ?? tagged,
    focus,
    marketTrades: focus.marketTrades,
    riskTimeline,
    sections: loaded.instrument && loaded.book ? [bookSyncSection(loaded.instrument, loaded.book)] : [],
    options: {
      quotesWindow: focus.window,
      zone,
    },
  });

  // The last point to stop at: from here the run's outputs are written whole.
  throwIfInterrupted(request.signal, 'backtest', NOTHING_WRITTEN);
  let lakeSnapshots: Record<string, string> = {};
  if (request.writeLake ?? true) {
    progress('writing mm_trades and mm_snapshots');
    lakeSnapshots = await writeRun(
      platform,
      { runId, strategy: request.strategy, dateZone: profile.dateZone },
      result.tradeLog,
      result.snapshots,
    );
  }
  const snapshotCsvs = new Map<string, string>();
  for (const [day, daySnapshots] of snapshotsByDate(result.snapshots))
    snapshotCsvs.set(`market_snapshots_${day}.csv`, marketSnapshotsCsv(daySnapshots));
  return {
    runId,
    market,
    strategy: strategyLabel(request.strategy),
    dataSource: loaded.dataSource,
    instruments: result.instruments.length,
    events: events.length,
    result,
    metrics,
    html,
    tradeHistoryCsv: tradeHistoryCsv(result.tradeLog),
    snapshotCsvs,
    lakeSnapshots,
    riskTimeline,
    riskTimelineLines: riskTimelineLines(riskTimeline, zone),
    seconds: (performance.now() - started) / 1000,
    ...(loaded.instrument ? { instrument: loaded.instrument } : {}),
    ...(loaded.book ? { book: loaded.book } : {}),
  };
}

const PORTFOLIO = 'PORTFOLIO';
const NOTHING_WRITTEN = 'nothing was written (no report, no lake rows)';

interface LoadedEvents {
  events: EventColumns;
  market: 'krx' | 'binance';
  dataSource: string;
  instrument?: CryptoInstrument & { from: 'venue table' | '--instrument' };
  book?: BookSyncSummary;
  /** The capture's first mid (for the crypto min-notional order size). */
  referencePrice?: number;
}

async function loadEvents(platform: Platform, request: BacktestRequest): Promise<LoadedEvents> {
  const codes = request.codes && request.codes.length > 0 ? new Set(request.codes) : undefined;
  const inDates = (ts: number) =>
    (!request.from || ts >= kstToUtcMs(request.from, '000000')) &&
    (!request.to || ts < kstToUtcMs(request.to, '000000') + 86_400_000);
  if (request.source.kind === 'table') {
    const { ticks, snapshotId } = await readSilverTrades(platform, {
      from: request.from,
      to: request.to,
      codes,
    });
    throwIfInterrupted(request.signal, 'backtest', NOTHING_WRITTEN);
    return {
      events: krxTradeEvents(ticks),
      market: 'krx',
      dataSource: `silver_ticks snapshot ${snapshotId === undefined ? 'none' : String(snapshotId)}`,
    };
  }
  // Folders and patterns stand for the files in them; an entry that names nothing is an error.
  const paths = expandMarketPaths(request.source.paths);
  const binance = paths.filter((path) => !path.toLowerCase().endsWith('.xml'));
  if (binance.length > 0) {
    if (binance.length !== 1 || paths.length !== 1)
      throw new Error('give one Binance capture, or KRX XML files, not a mix');
    const path = binance[0]!;
    const { events, stats, snapshots } = await interruptible(request.signal, async (signal) => {
      const file = createReadStream(path, { signal });
      return readBinanceCapture(path.endsWith('.gz') ? file.pipe(createGunzip()) : file);
    });
    const book = bookSyncSummary(stats);
    const instrument = captureInstrument(book, request.instrument);
    if (book.hasDepth && !book.synchronised && !request.allowUnsyncedBook)
      throw new Error(
        `the order book of ${basename(path)} never synchronised: ${describeBookSync(book)}` +
          `${book.snapshots === 0 ? '; the capture has no REST depth snapshot to start from' : ''}. ` +
          'Queue positions and market orders would rest on bookTicker alone; pass --allow-unsynced-book to run anyway.',
      );
    const referencePrice = snapshots.find((snapshot) => snapshot.mid > 0)?.mid;
    return {
      events,
      market: 'binance',
      dataSource: basename(path),
      instrument,
      book,
      referencePrice,
    };
  }
  const ticks: TradeTick[] = [];
  for (const path of paths) {
    const read = await interruptible(request.signal, (signal) =>
      readKrxXmlAll(createReadStream(path, { signal }), { srcFile: basename(path) }),
    );
    for (const tick of read.ticks) if ((!codes || codes.has(tick.code)) && inDates(tick.ts)) ticks.push(tick);
  }
  const folders = [...new Set(paths.map((path) => dirname(path)))];
  const dataSource =
    paths.length === 1 ? basename(paths[0]!) : `${paths.length} KRX files (${basename(folders[0]!)})`;
  return { events: krxTradeEvents(ticks), market: 'krx', dataSource };
}

/**
 * Reads with the file streams tied to `signal`: an abort destroys the stream, and whatever error the
 * reader then reports becomes `InterruptedError` (nothing has been written while loading).
 */
async function interruptible<T>(
  signal: AbortSignal | undefined,
  read: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  throwIfInterrupted(signal, 'backtest', NOTHING_WRITTEN);
  try {
    return await read(signal);
  } catch (error) {
    if (signal?.aborted) throw new InterruptedError('backtest', NOTHING_WRITTEN);
    throw error;
  }
}

/**
 * The instrument a capture is backtested as: the venue table's row for the venue its payloads show and the
 * symbol its streams name, or the `--instrument` override (which must name the capture's symbol).
 */
function captureInstrument(
  book: BookSyncSummary,
  override: string | undefined,
): CryptoInstrument & { from: 'venue table' | '--instrument' } {
  if (override !== undefined) {
    const instrument = parseInstrumentOverride(override);
    if (book.symbol !== 'UNKNOWN' && instrument.symbol !== book.symbol)
      throw new Error(`--instrument names ${instrument.symbol}, but the capture is ${book.symbol}`);
    return { ...instrument, from: '--instrument' };
  }
  if (book.venue === undefined)
    throw new Error(
      `cannot tell whether ${book.symbol} in this capture is spot or USD-M futures (no depth update or bookTicker); give --instrument spot:${book.symbol} or usd-m:${book.symbol}`,
    );
  return { ...binanceInstrument(book.venue, book.symbol), from: 'venue table' };
}

function regimeSourceOf(source: BacktestRequest['source']): RegimeSources['source'] {
  if (source.kind === 'table') return 'table';
  const paths = expandMarketPaths(source.paths);
  return paths.some((path) => !path.toLowerCase().endsWith('.xml')) ? 'binance' : { xml: paths };
}

/** The portfolio as one instrument for the metrics and the report: equity summed, gross contracts. */
function portfolioSnapshots(result: BacktestResult): SnapshotRecord[] {
  const { ts, equity, grossPosition } = result.portfolio;
  const snapshots: SnapshotRecord[] = new Array(ts.length);
  for (let i = 0; i < ts.length; i++) {
    snapshots[i] = {
      ts: ts[i]!,
      instrument: PORTFOLIO,
      mid: NaN,
      spread: NaN,
      bid: NaN,
      ask: NaN,
      quoteBid: NaN,
      quoteAsk: NaN,
      position: grossPosition[i]!,
      volatility: NaN,
      bidDepth: NaN,
      askDepth: NaN,
      imbalance: NaN,
      equity: equity[i]!,
      regime: '',
    };
  }
  return snapshots;
}

function busiestCodes(events: EventColumns, choice: number | 'all'): string[] | undefined {
  if (choice === 'all') return undefined;
  const counts = new Array<number>(events.instruments.length).fill(0);
  for (let i = 0; i < events.length; i++) counts[events.instrument[i]!]!++;
  return events.instruments
    .map((name, id) => ({ name, n: counts[id]! }))
    .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name))
    .slice(0, choice)
    .map((entry) => entry.name);
}

/**
 * The instrument the report's quotes and spread charts draw (portfolio snapshots carry no quotes): the
 * snapshotted instrument with the most fills, its snapshots, fills and market trades, and a 30-minute
 * window that starts 5 minutes before its first fill. Its mid path is also what post-hoc regimes are
 * tagged on.
 */
function focusInstrument(result: BacktestResult, events: EventColumns) {
  const fills = new Map<string, number>();
  for (const entry of result.tradeLog) fills.set(entry.instrument, (fills.get(entry.instrument) ?? 0) + 1);
  const names = [...new Set(result.snapshots.map((s) => s.instrument))];
  const instrument =
    names.sort((a, b) => (fills.get(b) ?? 0) - (fills.get(a) ?? 0) || a.localeCompare(b))[0] ?? '';
  const snapshots = result.snapshots.filter((s) => s.instrument === instrument);
  const trades = result.tradeLog.filter((t) => t.instrument === instrument);
  const id = events.instruments.indexOf(instrument);
  const marketTrades: MarketTradePoint[] = [];
  for (let i = 0; i < events.length; i++) {
    if (events.instrument[i] !== id || events.kind[i] !== EVENT_TRADE) continue;
    marketTrades.push({
      ts: events.ts[i]!,
      price: events.price[i]!,
      size: events.size[i]!,
      aggressor: events.side[i]! as -1 | 0 | 1,
      instrument,
    });
  }
  const startMs = (trades[0]?.ts ?? snapshots[0]?.ts ?? 0) - 5 * 60_000;
  return { instrument, snapshots, trades, marketTrades, window: { startMs, endMs: startMs + 30 * 60_000 } };
}

function instrumentNotes(result: BacktestResult, profile: MarketProfile): string[] {
  const currency = profile.currency;
  const rows = [...result.instruments].sort((a, b) => b.fills - a.fills).slice(0, 12);
  return [
    `Portfolio of ${result.instruments.length} instruments; equity and gross position are summed over them (currency ${currency}).`,
    ...rows.map(
      (r) =>
        `${r.instrument}: ${r.fills} fills, position ${r.position}, realised ${r.realizedPnl.toFixed(2)}, fees ${r.feesPaid.toFixed(2)}, equity ${r.equity.toFixed(2)}`,
    ),
  ];
}

async function writeRun(
  platform: Platform,
  run: RunInfo,
  trades: TradeLogEntry[],
  snapshots: SnapshotRecord[],
): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  for (const [definition, rows] of [
    [MM_TRADES, trades.map((t) => mmTradeRow(t, run))],
    [MM_SNAPSHOTS, snapshots.map((s) => mmSnapshotRow(s, run))],
  ] as const) {
    const table = await IcebergTable.createIfAbsent(
      platform.lake,
      { namespace: platform.namespace, name: (definition as LakeTable).name },
      definition,
    );
    const snapshot = await table.replaceSource(`run/${run.runId}`, rows, {
      summary: { 'quotelab.run-id': run.runId },
    });
    if (snapshot) written[definition.name] = String(snapshot['snapshot-id']);
  }
  return written;
}

function strategyLabel(name: StrategyName): string {
  return name === 'as' ? 'Avellaneda–Stoikov' : 'signal (baseline momentum)';
}
