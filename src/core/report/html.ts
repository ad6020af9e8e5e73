/**
 * A run's report as one self-contained HTML document: inline CSS and inline SVG, no scripts, fonts,
 * images or links, so it opens offline and can be archived next to the run (S3 or local). Contents: run
 * metadata, the metrics table (with how each number was computed), the equity curve, the drawdown
 * (underwater) curve, inventory over time, our quotes against the market's trades in a time window, our quoted spread per regime, PnL per
 * regime, daily PnL and the first trades of the trade log.
 *
 * Size is bounded whatever the run's length: every chart series is downsampled (min–max decimation,
 * downsample.ts) to `maxPointsPerSeries` (default 2,000) and the tables to `tradeRows` and `dayRows`.
 * Every interpolated string is escaped (escape.ts); numbers go through the locale-free formatters, one per
 * kind of figure (format.ts): money in the run's currency, prices with their instrument's tick.
 */
import type { RiskTimeline } from '../risk/index.ts';
import { riskTimelineSection } from './risk-timeline.ts';
import type { RegimeSeries, SnapshotRecord, TradeLogEntry } from '../trading/types.ts';
import { downsampleMinMax } from './downsample.ts';
import { escapeHtml } from './escape.ts';
import type { Currency, DisplayZone, TickSize } from './format.ts';
import {
  formatClock,
  formatCompact,
  formatCount,
  formatDateTime,
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  formatPrice,
  tickDecimals,
  UTC_ZONE,
} from './format.ts';
import { metricRows, UNSPECIFIED_CURRENCY } from './metric-rows.ts';
import type { RunMetrics } from './metrics.ts';
import { onCapital } from './metrics.ts';
import { quotedSpreadByRegime } from './regime-stats.ts';
import type { AxisFormat, Point, Series } from './svg.ts';
import { barChart, boxChart, timeChart } from './svg.ts';

export interface ReportMetadata {
  /** Default "<strategy> on <instrument>". */
  title?: string;
  strategy: string;
  parameters?: Readonly<Record<string, string | number | boolean>>;
  /** Where the data came from, e.g. "lake snapshot 8231… (silver_ticks)" or "synthetic seed 42". */
  dataSource: string;
  /** Default: the metrics' period. */
  periodStartMs?: number;
  periodEndMs?: number;
  /** git commit or release. */
  codeVersion?: string;
  /** When the report was made (given by the caller: rendering never reads the clock). */
  generatedAtMs?: number;
  /** The currency of PnL, equity and fees (default: two decimals, no unit). */
  currency?: Currency;
  /** The traded instruments' tick, for prices (default: six significant digits). */
  priceTick?: TickSize;
  notes?: readonly string[];
}

/** A market trade for the quotes chart (ObservedTrade-like). */
export interface MarketTradePoint {
  ts: number;
  price: number;
  size: number;
  /** +1 buyer-initiated, −1 seller-initiated, 0 unknown. */
  aggressor: -1 | 0 | 1;
  /** When given, trades of other instruments are left out. */
  instrument?: string;
}

export interface HtmlReportOptions {
  /** Most points per chart series (default 2,000). */
  maxPointsPerSeries: number;
  /** Rows of the trade log shown (default 50). */
  tradeRows: number;
  /** Rows of the daily PnL table shown (default 400). */
  dayRows: number;
  /** Window of the quotes chart; default the first 30 minutes of snapshots. */
  quotesWindow?: { startMs: number; endMs: number };
  /** Wall-clock zone for times (default UTC; KRX runs read better in KST: { offsetMs: 9 h, label: 'KST' }). */
  zone: DisplayZone;
}

export const DEFAULT_HTML_REPORT_OPTIONS: Readonly<HtmlReportOptions> = Object.freeze({
  maxPointsPerSeries: 2_000,
  tradeRows: 50,
  dayRows: 400,
  zone: UTC_ZONE,
});

/** Default span of the quotes-against-trades chart. */
export const DEFAULT_QUOTES_WINDOW_MS = 30 * 60_000;

export interface HtmlReportInput {
  meta: ReportMetadata;
  metrics: RunMetrics;
  /** The run's records; only the metrics' instrument is drawn. */
  trades: readonly TradeLogEntry[];
  snapshots: readonly SnapshotRecord[];
  marketTrades?: readonly MarketTradePoint[];
  /** Regimes for the spread-by-regime chart (default: the snapshots' own); use the same as for the metrics. */
  regimes?: RegimeSeries;
  /**
   * When the metrics are a portfolio's (whose snapshots carry no quotes), the one instrument the quotes
   * and spread charts draw: its own snapshots and fills. Default: the metrics' instrument.
   */
  focus?: {
    instrument: string;
    snapshots: readonly SnapshotRecord[];
    trades: readonly TradeLogEntry[];
  };
  options?: Partial<HtmlReportOptions>;
  /** The risk gate's timeline (when and why it refused), shown after the daily PnL when given. */
  riskTimeline?: RiskTimeline;
  /** Extra sections rendered by their own modules (already escaped HTML), placed after the metrics. */
  sections?: readonly string[];
}

const COLORS = {
  equity: '#1565c0',
  drawdown: '#c62828',
  position: '#6a1b9a',
  marketBid: '#9e9e9e',
  marketAsk: '#bdbdbd',
  quoteBid: '#1e88e5',
  quoteAsk: '#f4511e',
  buyTrade: '#43a047',
  sellTrade: '#e53935',
  unknownTrade: '#757575',
  ourBuy: '#1b5e20',
  ourSell: '#b71c1c',
};

/** How the report writes each kind of figure. */
interface Figures {
  currency: Currency;
  /** An amount of money with its unit. */
  money: (value: number) => string;
  /** Fees and rebates: small amounts, with the currency's fee decimals. */
  fee: (value: number) => string;
  price: (value: number) => string;
  /** Axis labels with just the decimals their step needs. */
  moneyAxis: AxisFormat;
}

function figuresFor(meta: ReportMetadata): Figures {
  const currency = meta.currency ?? UNSPECIFIED_CURRENCY;
  const unit = currency.code !== '';
  const tick = meta.priceTick;
  return {
    currency,
    money: (value) => formatMoney(value, currency, { unit }),
    fee: (value) => formatMoney(value, currency, { decimals: currency.feeDecimals }),
    price: (value) => (tick === undefined ? formatCompact(value) : formatPrice(value, tick)),
    moneyAxis: (value, step) => formatMoney(value, currency, { decimals: tickDecimals(step) }),
  };
}

/** Price axis labels: round values with the decimals their step needs. */
const priceAxis: AxisFormat = (value, step) => formatNumber(value, tickDecimals(step));

export function renderHtmlReport(input: HtmlReportInput): string {
  const options: HtmlReportOptions = { ...DEFAULT_HTML_REPORT_OPTIONS, ...input.options };
  const { meta, metrics } = input;
  const figures = figuresFor(meta);
  const instrument = metrics.instrument;
  const snapshots = input.snapshots.filter((s) => instrument === undefined || s.instrument === instrument);
  const trades = input.trades.filter((t) => instrument === undefined || t.instrument === instrument);
  const title = meta.title ?? `${meta.strategy} on ${instrument ?? 'no instrument'}`;
  const focus: {
    instrument: string | undefined;
    snapshots: readonly SnapshotRecord[];
    trades: readonly TradeLogEntry[];
  } = input.focus ?? { instrument, snapshots, trades };
  const capitalCurve = onCapital(snapshots, metrics.initialCapital, metrics.equityAtStart);
  const body = [
    header(title, meta, metrics, options.zone, figures),
    metricsSection(metrics, options.zone, figures),
    ...(input.sections ?? []),
    '<section><h2>Charts</h2>',
    equityChart(capitalCurve, options, figures),
    drawdownChart(capitalCurve, metrics.initialCapital, options, figures),
    inventoryChart(snapshots, trades, options),
    quotesChart(focus.snapshots, focus.trades, input.marketTrades ?? [], focus.instrument, options),
    spreadChart(focus.snapshots, input.regimes),
    regimePnlChart(metrics, figures),
    '</section>',
    dailySection(metrics, options.dayRows, figures),
    input.riskTimeline === undefined ? '' : riskTimelineSection(input.riskTimeline, options.zone),
    tradeLogSection(trades, options, figures),
    footer(meta, options.zone),
  ].join('\n');
  return htmlPage(title, body);
}

/** A self-contained report page: the shared style inline, nothing fetched. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const REPORT_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;margin:24px auto;max-width:940px;padding:0 12px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#fafafa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.meta th{width:170px}td.note{color:#616161;font-size:12px}
figure.chart{margin:14px 0}figcaption{margin-bottom:4px}svg.chart-svg{width:100%;height:auto;background:#fff;border:1px solid #eee}
.tick{font-size:11px;fill:#616161}.axis-label{font-size:11px;fill:#424242}.empty{font-size:14px;fill:#9e9e9e}
.grid{stroke:#eee}.zero{stroke:#9e9e9e;stroke-dasharray:3 3}
.legend .key{margin-right:12px;font-size:12px;white-space:nowrap}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
small{color:#757575}.trades{font-size:12px}footer{margin-top:30px;color:#9e9e9e;font-size:12px}
`;

function header(
  title: string,
  meta: ReportMetadata,
  metrics: RunMetrics,
  zone: DisplayZone,
  figures: Figures,
): string {
  const start = meta.periodStartMs ?? metrics.period.startMs;
  const end = meta.periodEndMs ?? metrics.period.endMs;
  const rows: Array<[string, string]> = [
    ['Strategy', escapeHtml(meta.strategy)],
    ['Instrument', escapeHtml(metrics.instrument ?? '–')],
    ['Data source', escapeHtml(meta.dataSource)],
    [
      'Period',
      escapeHtml(
        `${formatDateTime(start, zone)} to ${formatDateTime(end, zone)} ${zone.label} (${formatDuration(end - start)})`,
      ),
    ],
    ['Initial capital', escapeHtml(figures.money(metrics.initialCapital))],
  ];
  if (meta.codeVersion !== undefined)
    rows.push(['Code version', `<code>${escapeHtml(meta.codeVersion)}</code>`]);
  const parameters = Object.entries(meta.parameters ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (parameters.length > 0) {
    rows.push([
      'Parameters',
      parameters
        .map(([key, value]) => `<code>${escapeHtml(key)}</code> = ${escapeHtml(String(value))}`)
        .join('<br>'),
    ]);
  }
  for (const note of meta.notes ?? []) rows.push(['Note', escapeHtml(note)]);
  const table = rows
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`)
    .join('');
  return `<header><h1>${escapeHtml(title)}</h1><table class="meta">${table}</table></header>`;
}

function metricsSection(metrics: RunMetrics, zone: DisplayZone, figures: Figures): string {
  const rows = metricRows(metrics, zone, figures.currency)
    .map(
      (row) =>
        `<tr><th>${escapeHtml(row.label)}</th><td class="num">${escapeHtml(row.value)}</td><td class="note">${escapeHtml(row.note)}</td></tr>`,
    )
    .join('');
  const regimeRows = metrics.pnlByRegime
    .map(
      (entry) =>
        `<tr><td>${escapeHtml(entry.regime)}</td><td class="num">${escapeHtml(figures.money(entry.pnl))}</td>` +
        `<td class="num">${escapeHtml(formatDuration(entry.durationMs))}</td></tr>`,
    )
    .join('');
  return (
    `<section><h2>Metrics</h2><table><thead><tr><th>Metric</th><th>Value</th><th>How</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<h2>PnL per regime</h2><p><small>Each snapshot-to-snapshot equity change is attributed to the regime in force at the earlier snapshot.</small></p>` +
    `<table><thead><tr><th>Regime</th><th>PnL</th><th>Time</th></tr></thead><tbody>${regimeRows}</tbody></table></section>`
  );
}

/** Downsamples points to the report's bound, keeping each bucket's extremes. */
function bounded(points: readonly Point[], options: HtmlReportOptions): Point[] {
  return downsampleMinMax(points, options.maxPointsPerSeries, (point) => point.y);
}

function equityChart(
  snapshots: readonly SnapshotRecord[],
  options: HtmlReportOptions,
  figures: Figures,
): string {
  const points = bounded(
    snapshots.map((s) => ({ x: s.ts, y: s.equity })),
    options,
  );
  return timeChart({
    id: 'equity-curve',
    title: 'Equity curve',
    yLabel: unitLabel('equity', figures),
    zone: options.zone,
    yFormat: figures.moneyAxis,
    series: [{ label: 'equity (capital + mark-to-mid PnL)', color: COLORS.equity, points, style: 'line' }],
    note: `${formatCount(snapshots.length)} snapshots, ${formatCount(points.length)} drawn`,
  });
}

/** Equity below its running peak (from the initial capital), ≤ 0: the underwater curve. */
function drawdownChart(
  snapshots: readonly SnapshotRecord[],
  initialCapital: number,
  options: HtmlReportOptions,
  figures: Figures,
): string {
  let peak = initialCapital;
  const underwater = snapshots.map((s) => {
    if (s.equity > peak) peak = s.equity;
    return { x: s.ts, y: s.equity - peak };
  });
  const points = bounded(underwater, options);
  return timeChart({
    id: 'drawdown',
    title: 'Drawdown',
    yLabel: unitLabel('drawdown', figures),
    zone: options.zone,
    yFormat: figures.moneyAxis,
    zeroLine: true,
    series: [{ label: 'equity − running peak', color: COLORS.drawdown, points, style: 'line' }],
    note: 'the running peak starts at the initial capital; the deepest point is the max drawdown',
  });
}

/** An axis title with the currency: "equity (KRW)". */
function unitLabel(name: string, figures: Figures): string {
  return figures.currency.code === '' ? name : `${name} (${figures.currency.code})`;
}

function inventoryChart(
  snapshots: readonly SnapshotRecord[],
  trades: readonly TradeLogEntry[],
  options: HtmlReportOptions,
): string {
  // Snapshots give the position each second; fills add the intra-second changes.
  const merged: Point[] = [
    ...snapshots.map((s) => ({ x: s.ts, y: s.position })),
    ...trades.map((t) => ({ x: t.ts, y: t.positionAfter })),
  ].sort((a, b) => a.x - b.x);
  const points = bounded(merged, options);
  return timeChart({
    id: 'inventory',
    title: 'Inventory over time',
    yLabel: 'position',
    zone: options.zone,
    zeroLine: true,
    series: [{ label: 'position', color: COLORS.position, points, style: 'step' }],
  });
}

function defaultQuotesWindow(snapshots: readonly SnapshotRecord[]): { startMs: number; endMs: number } {
  const startMs = snapshots.length > 0 ? snapshots[0]!.ts : 0;
  return { startMs, endMs: startMs + DEFAULT_QUOTES_WINDOW_MS };
}

function quotesChart(
  snapshots: readonly SnapshotRecord[],
  trades: readonly TradeLogEntry[],
  marketTrades: readonly MarketTradePoint[],
  instrument: string | undefined,
  options: HtmlReportOptions,
): string {
  const window = options.quotesWindow ?? defaultQuotesWindow(snapshots);
  const inWindow = (ts: number): boolean => ts >= window.startMs && ts <= window.endMs;
  const shown = snapshots.filter((s) => inWindow(s.ts));
  const line = (y: (s: SnapshotRecord) => number): Point[] =>
    bounded(
      shown.map((s) => ({ x: s.ts, y: y(s) })),
      options,
    );
  const market = marketTrades.filter(
    (t) =>
      inWindow(t.ts) &&
      (t.instrument === undefined || instrument === undefined || t.instrument === instrument),
  );
  const tradeDots = (aggressor: -1 | 0 | 1): Point[] =>
    bounded(
      market.filter((t) => t.aggressor === aggressor).map((t) => ({ x: t.ts, y: t.price })),
      options,
    );
  const ours = trades.filter((t) => inWindow(t.ts));
  const fillDots = (side: 'buy' | 'sell'): Point[] =>
    bounded(
      ours.filter((t) => t.side === side).map((t) => ({ x: t.ts, y: t.price })),
      options,
    );
  const candidates: Series[] = [
    { label: 'market bid', color: COLORS.marketBid, points: line((s) => s.bid), style: 'step', size: 1 },
    { label: 'market ask', color: COLORS.marketAsk, points: line((s) => s.ask), style: 'step', size: 1 },
    { label: 'our bid', color: COLORS.quoteBid, points: line((s) => s.quoteBid), style: 'step' },
    { label: 'our ask', color: COLORS.quoteAsk, points: line((s) => s.quoteAsk), style: 'step' },
    { label: 'market buys', color: COLORS.buyTrade, points: tradeDots(1), style: 'dots' },
    { label: 'market sells', color: COLORS.sellTrade, points: tradeDots(-1), style: 'dots' },
    {
      label: 'market trades (side unknown)',
      color: COLORS.unknownTrade,
      points: tradeDots(0),
      style: 'dots',
    },
    { label: 'our buy fills', color: COLORS.ourBuy, points: fillDots('buy'), style: 'dots', size: 6 },
    { label: 'our sell fills', color: COLORS.ourSell, points: fillDots('sell'), style: 'dots', size: 6 },
  ];
  const series = candidates.filter((entry) => entry.points.length > 0);
  const span = `${formatClock(window.startMs, options.zone)}–${formatClock(window.endMs, options.zone)}`;
  return timeChart({
    id: 'quotes-trades',
    title: `Quotes against trades${instrument === undefined ? '' : `, ${instrument}`}, ${span}`,
    yLabel: 'price',
    zone: options.zone,
    yFormat: priceAxis,
    series,
    note: `${formatDateTime(window.startMs, options.zone)} to ${formatDateTime(window.endMs, options.zone)}; ${shown.length} snapshots, ${market.length} market trades, ${ours.length} fills in the window`,
  });
}

function spreadChart(snapshots: readonly SnapshotRecord[], regimes: RegimeSeries | undefined): string {
  const boxes = quotedSpreadByRegime(snapshots, regimes).map((entry) => ({
    label: entry.regime,
    stats: entry,
  }));
  return boxChart({
    id: 'spread-by-regime',
    title: 'Our quoted spread by regime',
    yLabel: 'quoted spread (ask − bid)',
    boxes,
    note: 'over 1 s snapshots where we quoted both sides; whiskers min–max, box q1–q3, line median, dot mean',
  });
}

function regimePnlChart(metrics: RunMetrics, figures: Figures): string {
  return barChart({
    id: 'pnl-by-regime',
    title: 'PnL per regime',
    yLabel: unitLabel('PnL', figures),
    bars: metrics.pnlByRegime.map((entry) => ({ label: entry.regime, value: entry.pnl })),
    yFormat: figures.moneyAxis,
  });
}

function dailySection(metrics: RunMetrics, maxRows: number, figures: Figures): string {
  const rows = metrics.daily
    .slice(0, maxRows)
    .map(
      (day) =>
        `<tr><td>${escapeHtml(day.day)}</td><td class="num">${escapeHtml(figures.money(day.pnl))}</td>` +
        `<td class="num">${escapeHtml(formatPercent(day.return, 3))}</td><td class="num">${escapeHtml(figures.money(day.closeEquity))}</td>` +
        `<td class="num">${formatCount(day.fills)}</td></tr>`,
    )
    .join('');
  const more =
    metrics.daily.length > maxRows
      ? `<p><small>first ${maxRows} of ${metrics.daily.length} days</small></p>`
      : '';
  return (
    `<section><h2>Daily PnL</h2><table><thead><tr><th>Day</th><th>PnL</th><th>Return</th><th>Close equity</th><th>Fills</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${more}</section>`
  );
}

function tradeLogSection(
  trades: readonly TradeLogEntry[],
  options: HtmlReportOptions,
  figures: Figures,
): string {
  const shown = trades.slice(0, options.tradeRows);
  const cells = (trade: TradeLogEntry): string[] => [
    formatDateTime(trade.ts, options.zone),
    trade.side,
    figures.price(trade.price),
    formatCompact(trade.quantity),
    formatMoney(trade.cost, figures.currency),
    figures.fee(trade.fee),
    figures.fee(trade.rebate),
    formatMoney(trade.realizedPnl, figures.currency),
    formatCompact(trade.positionAfter),
    trade.liquidity,
    figures.price(trade.spreadAtTrade),
    trade.regime,
    trade.profitable === undefined ? '–' : trade.profitable ? 'yes' : 'no',
    trade.note,
  ];
  const head = [
    'Time',
    'Side',
    'Price',
    'Qty',
    'Cost',
    'Fee',
    'Rebate',
    'Realised',
    'Position',
    'Liq.',
    'Spread',
    'Regime',
    'Profitable',
    'Note',
  ];
  const rows = shown
    .map(
      (trade) =>
        `<tr>${cells(trade)
          .map((cell) => `<td>${escapeHtml(cell)}</td>`)
          .join('')}</tr>`,
    )
    .join('');
  return (
    `<section><h2>Trade log</h2><p><small>first ${shown.length} of ${trades.length} fills; times ${escapeHtml(options.zone.label)}</small></p>` +
    `<table class="trades"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function footer(meta: ReportMetadata, zone: DisplayZone): string {
  const when =
    meta.generatedAtMs === undefined
      ? ''
      : ` on ${escapeHtml(formatDateTime(meta.generatedAtMs, zone))} ${escapeHtml(zone.label)}`;
  return `<footer>quotelab run report${when}. Self-contained: no scripts or external resources.</footer>`;
}
