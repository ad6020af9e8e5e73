/**
 * Inline SVG charts for the HTML report: time series (lines, steps, dots), bars and box plots. Each
 * returns one <figure> with the <svg> and an HTML legend; no scripts, fonts or external references, so a
 * report opens offline. Every label is escaped; coordinates are rounded to 0.1 px to keep files small.
 *
 * Callers downsample first (downsample.ts): a chart draws every point it is given.
 */
import { escapeHtml } from './escape.ts';
import type { DisplayZone } from './format.ts';
import { formatCompact } from './format.ts';
import type { BoxStats } from './stats.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  label: string;
  color: string;
  /** In x order; a NaN y breaks a line or step series. */
  points: readonly Point[];
  style: 'line' | 'step' | 'dots';
  /** Line width, or dot diameter (default 1.5 for lines, 3 for dots). */
  size?: number;
}

const WIDTH = 880;
const HEIGHT = 260;
/**
 * Fixed margins; the left one is computed per chart from its widest y tick label (see `yAxisLayout`) so
 * labels such as "100,000,000" are never cut off by the viewport and never run into the axis title.
 */
const MARGIN = { top: 12, right: 20, bottom: 28 };
/** Charts with an x-axis title below the tick labels. */
const TITLED_BOTTOM = 42;
/** Room for the rotated y-axis title at the left edge, and the gap between tick labels and the plot. */
const Y_TITLE_BAND = 24;
const TICK_GAP = 6;
const TICK_FONT_PX = 11;

/** The plot area of one chart. */
interface Layout {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function layoutFor(left: number, bottomMargin: number = MARGIN.bottom): Layout {
  return { left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - bottomMargin };
}

/**
 * A generous estimate of a label's width at the tick font (no font metrics without a browser): digits and
 * most letters about 0.6 em, separators about 0.35 em, wide glyphs 0.9 em. Over-estimating only wastes a
 * few pixels of plot; under-estimating clips labels.
 */
export function estimateTextWidth(text: string, fontPx: number = TICK_FONT_PX): number {
  let em = 0;
  for (const char of text) {
    if (",.:;'|!il".includes(char)) em += 0.35;
    else if (' '.includes(char)) em += 0.3;
    else if ('MWmw%∞—'.includes(char) || char.charCodeAt(0) > 0x2e7f) em += 0.95;
    else em += 0.64;
  }
  return em * fontPx;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

interface Scale {
  (value: number): number;
  domain: readonly [number, number];
}

function linearScale(domain: readonly [number, number], from: number, to: number): Scale {
  const [low, high] = domain;
  const span = high - low;
  const scale = ((value: number) => from + ((value - low) / span) * (to - from)) as Scale;
  scale.domain = domain;
  return scale;
}

/** Widens a degenerate or empty range so it can be drawn. */
function padDomain(low: number, high: number): [number, number] {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [0, 1];
  if (high > low) return [low, high];
  const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.01 : 1;
  return [low - pad, high + pad];
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) inside [low, high]. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Math.abs(tick) < step * 1e-9 ? 0 : Number(tick.toPrecision(12)));
  }
  return ticks;
}

const TIME_STEPS_MS = [
  1_000,
  5_000,
  15_000,
  30_000,
  60_000,
  300_000,
  900_000,
  1_800_000,
  3_600_000,
  10_800_000,
  21_600_000,
  43_200_000,
  86_400_000,
  7 * 86_400_000,
  30 * 86_400_000,
];

/** Round wall-clock ticks in the zone, about six across [low, high]. */
function timeTicks(
  low: number,
  high: number,
  zone: DisplayZone,
): { values: number[]; label: (ts: number) => string } {
  const step = TIME_STEPS_MS.find((candidate) => (high - low) / candidate <= 6) ?? 365 * 86_400_000;
  const values: number[] = [];
  const first = Math.ceil((low + zone.offsetMs) / step) * step - zone.offsetMs;
  for (let tick = first; tick <= high; tick += step) values.push(tick);
  const label = (ts: number): string => {
    const iso = new Date(ts + zone.offsetMs).toISOString();
    if (step >= 86_400_000) return iso.slice(5, 10);
    return step >= 60_000 ? iso.slice(11, 16) : iso.slice(11, 19);
  };
  return { values, label };
}

function legend(series: readonly { label: string; color: string }[]): string {
  return series
    .map(
      (entry) =>
        `<span class="key"><span class="swatch" style="background:${entry.color}"></span>${escapeHtml(entry.label)}</span>`,
    )
    .join('');
}

function frame(id: string, title: string, body: string, keys: string, note?: string): string {
  const caption = `<figcaption><strong>${escapeHtml(title)}</strong>${keys === '' ? '' : ` <span class="legend">${keys}</span>`}${note === undefined ? '' : `<br><small>${escapeHtml(note)}</small>`}</figcaption>`;
  return (
    `<figure class="chart">${caption}` +
    `<svg class="chart-svg" data-chart="${escapeHtml(id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">` +
    `${body}</svg></figure>`
  );
}

/** A y tick formatter; `step` is the distance between ticks, so a label can show just enough decimals. */
export type AxisFormat = (value: number, step: number) => string;

interface YAxis {
  ticks: Array<{ value: number; label: string }>;
  /** The left margin that fits the widest label and the axis title. */
  left: number;
}

function yAxisLayout(domain: readonly [number, number], format: AxisFormat): YAxis {
  const values = niceTicks(domain[0], domain[1]);
  const step = values.length > 1 ? values[1]! - values[0]! : Math.abs(domain[1] - domain[0]);
  const ticks = values.map((value) => ({ value, label: format(value, step) }));
  const widest = Math.max(0, ...ticks.map((tick) => estimateTextWidth(tick.label)));
  return { ticks, left: Math.ceil(Y_TITLE_BAND + widest + TICK_GAP) };
}

function yAxis(axis: YAxis, scale: Scale, layout: Layout, yLabel: string): string {
  const parts: string[] = [];
  for (const tick of axis.ticks) {
    const y = round(scale(tick.value));
    parts.push(
      `<line class="grid" x1="${layout.left}" x2="${layout.right}" y1="${y}" y2="${y}"/>` +
        `<text class="tick" x="${layout.left - TICK_GAP}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" transform="translate(${Y_TITLE_BAND / 2 + 4} ${round((layout.top + layout.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  );
  return parts.join('');
}

/** Default y labels: up to six significant digits. */
const compactFormat: AxisFormat = (value) => formatCompact(value);

function noData(): string {
  return `<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no data</text>`;
}

function seriesPath(series: Series, x: Scale, y: Scale): string {
  const commands: string[] = [];
  let open = false;
  for (const point of series.points) {
    if (!Number.isFinite(point.y) || !Number.isFinite(point.x)) {
      open = false;
      continue;
    }
    const px = round(x(point.x));
    const py = round(y(point.y));
    if (series.style === 'dots') commands.push(`M${px} ${py}h0`);
    else if (!open) commands.push(`M${px} ${py}`);
    else if (series.style === 'step') commands.push(`H${px}V${py}`);
    else commands.push(`L${px} ${py}`);
    open = true;
  }
  if (commands.length === 0) return '';
  const dots = series.style === 'dots';
  const size = series.size ?? (dots ? 3 : 1.5);
  return `<path d="${commands.join('')}" fill="none" stroke="${series.color}" stroke-width="${size}"${dots ? ' stroke-linecap="round"' : ' stroke-linejoin="round"'}/>`;
}

/**
 * The x and y domains of a plot over every finite point of its series (y with 5 % of room above and
 * below), or undefined when there is no such point.
 */
function plotDomains(
  seriesList: readonly Series[],
): { x: [number, number]; y: [number, number] } | undefined {
  let xLow = Infinity;
  let xHigh = -Infinity;
  let yLow = Infinity;
  let yHigh = -Infinity;
  for (const series of seriesList) {
    for (const point of series.points) {
      if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) continue;
      xLow = Math.min(xLow, point.x);
      xHigh = Math.max(xHigh, point.x);
      yLow = Math.min(yLow, point.y);
      yHigh = Math.max(yHigh, point.y);
    }
  }
  if (xLow > xHigh) return undefined;
  return { x: padDomain(xLow, xHigh), y: withRoom(padDomain(yLow, yHigh)) };
}

/** 5 % of the span added above and below. */
function withRoom([low, high]: [number, number]): [number, number] {
  const margin = (high - low) * 0.05;
  return [low - margin, high + margin];
}

function yScale(domain: readonly [number, number], layout: Layout): Scale {
  return linearScale(domain, layout.bottom, layout.top);
}

function zeroLine(show: boolean | undefined, y: Scale, layout: Layout): string {
  return show === true && y.domain[0] < 0 && y.domain[1] > 0
    ? `<line class="zero" x1="${layout.left}" x2="${layout.right}" y1="${round(y(0))}" y2="${round(y(0))}"/>`
    : '';
}

export interface TimeChartSpec {
  id: string;
  title: string;
  yLabel: string;
  series: readonly Series[];
  zone: DisplayZone;
  yFormat?: AxisFormat;
  /** Draw a line at y = 0 when it is in range. */
  zeroLine?: boolean;
  note?: string;
}

export function timeChart(spec: TimeChartSpec): string {
  const keys = legend(spec.series);
  const domains = plotDomains(spec.series);
  if (!domains) return frame(spec.id, spec.title, noData(), keys, spec.note);
  const axis = yAxisLayout(domains.y, spec.yFormat ?? compactFormat);
  const layout = layoutFor(axis.left);
  const x = linearScale(domains.x, layout.left, layout.right);
  const y = yScale(domains.y, layout);
  const ticks = timeTicks(x.domain[0], x.domain[1], spec.zone);
  const xAxis = ticks.values
    .map(
      (tick) =>
        `<text class="tick" x="${round(x(tick))}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(ticks.label(tick))}</text>`,
    )
    .join('');
  const paths = spec.series.map((series) => seriesPath(series, x, y)).join('');
  const zoneNote = `time in ${spec.zone.label}`;
  return frame(
    spec.id,
    spec.title,
    yAxis(axis, y, layout, spec.yLabel) + zeroLine(spec.zeroLine, y, layout) + xAxis + paths,
    keys,
    spec.note === undefined ? zoneNote : `${spec.note}; ${zoneNote}`,
  );
}

export interface XyChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  xFormat?: (value: number) => string;
  yFormat?: AxisFormat;
  zeroLine?: boolean;
  note?: string;
}

/** A chart over a numeric x axis (e.g. trial numbers), with round ticks on both axes. */
export function xyChart(spec: XyChartSpec): string {
  const keys = legend(spec.series);
  const domains = plotDomains(spec.series);
  if (!domains) return frame(spec.id, spec.title, noData(), keys, spec.note);
  const axis = yAxisLayout(domains.y, spec.yFormat ?? compactFormat);
  const layout = layoutFor(axis.left, TITLED_BOTTOM);
  const x = linearScale(domains.x, layout.left, layout.right);
  const y = yScale(domains.y, layout);
  const xFormat = spec.xFormat ?? ((value: number) => formatCompact(value));
  // Tick labels just below the plot, the axis title below them with a clear gap.
  const xAxis =
    niceTicks(x.domain[0], x.domain[1])
      .map(
        (tick) =>
          `<text class="tick" x="${round(x(tick))}" y="${layout.bottom + 16}" text-anchor="middle">${escapeHtml(xFormat(tick))}</text>`,
      )
      .join('') +
    `<text class="axis-label" x="${round((layout.left + layout.right) / 2)}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`;
  const paths = spec.series.map((series) => seriesPath(series, x, y)).join('');
  return frame(
    spec.id,
    spec.title,
    yAxis(axis, y, layout, spec.yLabel) + zeroLine(spec.zeroLine, y, layout) + xAxis + paths,
    keys,
    spec.note,
  );
}

export interface BarChartSpec {
  id: string;
  title: string;
  yLabel: string;
  bars: readonly { label: string; value: number }[];
  yFormat?: AxisFormat;
  note?: string;
}

const POSITIVE = '#2e7d32';
const NEGATIVE = '#c62828';

/** Vertical bars from zero, green above and red below. */
export function barChart(spec: BarChartSpec): string {
  const bars = spec.bars.filter((bar) => Number.isFinite(bar.value));
  if (bars.length === 0) return frame(spec.id, spec.title, noData(), '', spec.note);
  const values = bars.map((bar) => bar.value);
  const domain = withRoom(padDomain(Math.min(0, ...values), Math.max(0, ...values)));
  const format = spec.yFormat ?? compactFormat;
  const axis = yAxisLayout(domain, format);
  const layout = layoutFor(axis.left);
  const y = yScale(domain, layout);
  const slot = (layout.right - layout.left) / bars.length;
  const barWidth = Math.min(80, slot * 0.6);
  const step = axis.ticks.length > 1 ? axis.ticks[1]!.value - axis.ticks[0]!.value : 1;
  const body = bars
    .map((bar, index) => {
      const centre = layout.left + slot * (index + 0.5);
      const top = y(Math.max(0, bar.value));
      const bottom = y(Math.min(0, bar.value));
      return (
        `<rect x="${round(centre - barWidth / 2)}" y="${round(top)}" width="${round(barWidth)}" height="${round(Math.max(0.5, bottom - top))}" fill="${bar.value >= 0 ? POSITIVE : NEGATIVE}"><title>${escapeHtml(`${bar.label}: ${format(bar.value, step)}`)}</title></rect>` +
        `<text class="tick" x="${round(centre)}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(bar.label)}</text>`
      );
    })
    .join('');
  const zero = `<line class="zero" x1="${layout.left}" x2="${layout.right}" y1="${round(y(0))}" y2="${round(y(0))}"/>`;
  return frame(spec.id, spec.title, yAxis(axis, y, layout, spec.yLabel) + body + zero, '', spec.note);
}

export interface BoxChartSpec {
  id: string;
  title: string;
  yLabel: string;
  boxes: readonly { label: string; stats: BoxStats }[];
  yFormat?: AxisFormat;
  note?: string;
}

/** Box plots: whiskers at min and max, box from q1 to q3, a line at the median, a dot at the mean. */
export function boxChart(spec: BoxChartSpec): string {
  const boxes = spec.boxes.filter((box) => box.stats.count > 0);
  if (boxes.length === 0) return frame(spec.id, spec.title, noData(), '', spec.note);
  const domain = withRoom(
    padDomain(Math.min(...boxes.map((b) => b.stats.min)), Math.max(...boxes.map((b) => b.stats.max))),
  );
  const format = spec.yFormat ?? compactFormat;
  const axis = yAxisLayout(domain, format);
  const layout = layoutFor(axis.left);
  const y = yScale(domain, layout);
  const slot = (layout.right - layout.left) / boxes.length;
  const boxWidth = Math.min(70, slot * 0.5);
  const step = axis.ticks.length > 1 ? axis.ticks[1]!.value - axis.ticks[0]!.value : 1;
  const label = (value: number) => format(value, step);
  const body = boxes
    .map(({ label: name, stats }, index) => {
      const centre = layout.left + slot * (index + 0.5);
      const left = centre - boxWidth / 2;
      const summary = `${name}: n ${stats.count}, min ${label(stats.min)}, q1 ${label(stats.q1)}, median ${label(stats.median)}, q3 ${label(stats.q3)}, max ${label(stats.max)}, mean ${label(stats.mean)}`;
      return (
        `<g class="box"><title>${escapeHtml(summary)}</title>` +
        `<line x1="${round(centre)}" x2="${round(centre)}" y1="${round(y(stats.max))}" y2="${round(y(stats.min))}" stroke="#555"/>` +
        `<rect x="${round(left)}" y="${round(y(stats.q3))}" width="${round(boxWidth)}" height="${round(Math.max(0.5, y(stats.q1) - y(stats.q3)))}" fill="#90caf9" stroke="#1565c0"/>` +
        `<line x1="${round(left)}" x2="${round(left + boxWidth)}" y1="${round(y(stats.median))}" y2="${round(y(stats.median))}" stroke="#0d47a1" stroke-width="2"/>` +
        `<circle cx="${round(centre)}" cy="${round(y(stats.mean))}" r="2.5" fill="#000"/></g>` +
        `<text class="tick" x="${round(centre)}" y="${HEIGHT - 10}" text-anchor="middle">${escapeHtml(`${name} (n ${stats.count})`)}</text>`
      );
    })
    .join('');
  return frame(spec.id, spec.title, yAxis(axis, y, layout, spec.yLabel) + body, '', spec.note);
}
