/**
 * A tuning study's report: the data (`StudyReport`, written as JSON next to the HTML) and one
 * self-contained HTML page — the best parameters against the manual ones, the out-of-sample comparison,
 * the optimisation history, each parameter's path over the trials (convergence), parameter importance,
 * and every trial. Pure: the caller gathers the numbers; nothing here reads a clock or a store.
 *
 * Importance is the absolute Spearman rank correlation between a parameter (its log for log-scale
 * parameters) and the objective over the complete trials, normalised to sum to 1: a simple, stated
 * measure of which parameters the objective moves with (not Optuna's fANOVA).
 */
import { escapeHtml } from './escape.ts';
import type { Currency } from './format.ts';
import {
  formatCompact,
  formatCount,
  formatMoney,
  formatPercent,
  formatRatio,
  KRW,
  tickDecimals,
  USDT,
} from './format.ts';
import { htmlPage } from './html.ts';
import type { AxisFormat, Series } from './svg.ts';
import { xyChart } from './svg.ts';

export type ReportParamValue = number | string | boolean;

export interface StudyReportTrial {
  number: number;
  state: 'running' | 'complete' | 'failed';
  value?: number;
  params: Record<string, ReportParamValue>;
  error?: string;
}

export interface OutOfSampleResult {
  params: Record<string, ReportParamValue>;
  pnl: number;
  maxDrawdown: number;
  fills: number;
  dailyPnl: number[];
}

export interface StudyReport {
  studyId: string;
  generatedAt: string;
  strategy: string;
  objective: string;
  direction: 'maximize' | 'minimize';
  sampler: string;
  seed: string | number;
  budget: number;
  parallelism: number;
  dataVersion: string;
  tradingDays: string[];
  folds: Array<{ train: string; validate: string }>;
  /** Names of log-scale parameters (drawn and correlated on a log scale). */
  logParams: string[];
  trials: StudyReportTrial[];
  best?: { number: number; value: number; params: Record<string, ReportParamValue> };
  stopReason?: string;
  outOfSample?: {
    window: { from: string; to: string };
    tuned: OutOfSampleResult;
    manual: OutOfSampleResult;
    /** (tuned − manual) / |manual| of the test-window PnL; NaN when the manual PnL is 0. */
    pnlImprovement: number;
  };
  importance: Array<{ param: string; importance: number }>;
  /** Currency of PnL and drawdowns (default KRW: studies run on KRX ticks). */
  currency?: string;
}

function currencyOf(report: StudyReport): Currency {
  return report.currency === USDT.code ? USDT : KRW;
}

/** Objective values: money for pnl and utility (PnL − λ·drawdown), a ratio for sharpe. */
function objectiveFormat(report: StudyReport): (value: number) => string {
  return report.objective === 'sharpe'
    ? formatRatio
    : (value) => formatMoney(value, currencyOf(report), { unit: true });
}

function objectiveAxis(report: StudyReport): AxisFormat {
  return report.objective === 'sharpe'
    ? (value, step) =>
        formatMoney(value, { code: '', decimals: 0, feeDecimals: 0 }, { decimals: tickDecimals(step) })
    : (value, step) => formatMoney(value, currencyOf(report), { decimals: tickDecimals(step) });
}

/** |Spearman ρ| of each numeric parameter with the value, normalised to sum to 1 (all 0 if nothing varies). */
export function parameterImportance(
  trials: readonly StudyReportTrial[],
  logParams: readonly string[],
): Array<{ param: string; importance: number }> {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== undefined);
  const names = [...new Set(complete.flatMap((t) => Object.keys(t.params)))].sort();
  const values = ranks(complete.map((t) => t.value!));
  const raw = names.map((param) => {
    const xs = complete.map((t) => {
      const v = t.params[param];
      if (typeof v !== 'number') return NaN;
      return logParams.includes(param) ? Math.log(v) : v;
    });
    if (xs.some((x) => Number.isNaN(x))) return { param, rho: 0 };
    return { param, rho: Math.abs(pearson(ranks(xs), values)) };
  });
  const total = raw.reduce((sum, r) => sum + (Number.isFinite(r.rho) ? r.rho : 0), 0);
  return raw
    .map((r) => ({ param: r.param, importance: total > 0 && Number.isFinite(r.rho) ? r.rho / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.param.localeCompare(b.param));
}

export function renderStudyHtml(report: StudyReport): string {
  const title = `Tuning study ${report.studyId}`;
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    summaryTable(report),
    outOfSampleSection(report),
    '<section><h2>Optimisation</h2>',
    historyChart(report),
    ...convergenceCharts(report),
    importanceTable(report),
    '</section>',
    trialsTable(report),
    `<footer>generated ${escapeHtml(report.generatedAt)} · data ${escapeHtml(report.dataVersion)}</footer>`,
  ].join('\n');
  return htmlPage(title, body);
}

function summaryTable(report: StudyReport): string {
  const complete = report.trials.filter((t) => t.state === 'complete').length;
  const failed = report.trials.filter((t) => t.state === 'failed').length;
  const rows: Array<[string, string]> = [
    ['Strategy', report.strategy],
    ['Objective', `${report.objective} (${report.direction}) over the validation windows`],
    ['Sampler', `${report.sampler}, seed ${report.seed}`],
    [
      'Trials',
      `${complete} complete, ${failed} failed, budget ${report.budget}, ${report.parallelism} at a time`,
    ],
    ['Stopped', report.stopReason ?? '–'],
    [
      'Data',
      `${report.dataVersion}; ${report.tradingDays.length} trading days ${report.tradingDays[0] ?? ''} … ${report.tradingDays.at(-1) ?? ''}`,
    ],
    ['Walk-forward folds', report.folds.map((f) => `train ${f.train} → validate ${f.validate}`).join('; ')],
    [
      'Best',
      report.best
        ? `trial ${report.best.number}: ${objectiveFormat(report)(report.best.value)} — ${paramsText(report.best.params)}`
        : '–',
    ],
  ];
  return `<table class="meta"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
}

function outOfSampleSection(report: StudyReport): string {
  const oos = report.outOfSample;
  if (!oos)
    return '<section><h2>Out of sample</h2><p>No out-of-sample evaluation (no complete trial).</p></section>';
  const currency = currencyOf(report);
  const money = (value: number) => formatMoney(value, currency, { unit: true });
  const row = (label: string, r: OutOfSampleResult) =>
    `<tr><th>${escapeHtml(label)}</th><td class="num">${escapeHtml(money(r.pnl))}</td><td class="num">${escapeHtml(money(r.maxDrawdown))}</td>` +
    `<td class="num">${formatCount(r.fills)}</td><td>${escapeHtml(r.dailyPnl.map((d) => formatMoney(d, currency)).join(', '))}</td><td>${escapeHtml(paramsText(r.params))}</td></tr>`;
  const verdict = Number.isFinite(oos.pnlImprovement)
    ? `Tuned PnL is ${formatPercent(oos.pnlImprovement, 1)} ${oos.pnlImprovement >= 0 ? 'better' : 'worse'} than the manual parameters' ` +
      `(relative to |manual PnL|); max drawdown ${oos.tuned.maxDrawdown <= oos.manual.maxDrawdown ? 'not worse' : 'worse'}.`
    : 'The manual parameters made 0 PnL: no relative improvement to state.';
  return (
    `<section><h2>Out of sample: ${escapeHtml(oos.window.from)} … ${escapeHtml(oos.window.to)}</h2>` +
    `<p>Never read while tuning. ${escapeHtml(verdict)}</p>` +
    `<table><thead><tr><th></th><th>PnL</th><th>Max drawdown</th><th>Fills</th><th>Daily PnL</th><th>Parameters</th></tr></thead><tbody>` +
    row('Tuned (best trial)', oos.tuned) +
    row('Manual', oos.manual) +
    `</tbody></table></section>`
  );
}

function historyChart(report: StudyReport): string {
  const complete = report.trials
    .filter((t) => t.state === 'complete' && t.value !== undefined)
    .sort((a, b) => a.number - b.number);
  const sign = report.direction === 'maximize' ? 1 : -1;
  let best = -Infinity;
  const bestPoints = complete.map((t) => {
    best = Math.max(best, sign * t.value!);
    return { x: t.number, y: sign * best };
  });
  const series: Series[] = [
    {
      label: 'trial value',
      color: '#90a4ae',
      points: complete.map((t) => ({ x: t.number, y: t.value! })),
      style: 'dots',
    },
    { label: 'best so far', color: '#1565c0', points: bestPoints, style: 'step', size: 2 },
  ];
  return xyChart({
    id: 'history',
    title: 'Optimisation history',
    xLabel: 'trial',
    yLabel: report.objective === 'sharpe' ? 'sharpe' : `${report.objective} (${currencyOf(report).code})`,
    series,
    yFormat: objectiveAxis(report),
    zeroLine: true,
  });
}

function convergenceCharts(report: StudyReport): string[] {
  const complete = report.trials.filter((t) => t.state === 'complete').sort((a, b) => a.number - b.number);
  const names = [...new Set(complete.flatMap((t) => Object.keys(t.params)))].sort();
  return names
    .filter((name) => complete.every((t) => typeof t.params[name] === 'number'))
    .map((name) => {
      const log = report.logParams.includes(name);
      const toY = (v: number) => (log ? Math.log10(v) : v);
      const points = complete.map((t) => ({ x: t.number, y: toY(t.params[name] as number) }));
      const bestValue = report.best?.params[name];
      const series: Series[] = [{ label: name, color: '#6a1b9a', points, style: 'dots' }];
      if (typeof bestValue === 'number' && points.length > 0)
        series.push({
          label: 'best',
          color: '#2e7d32',
          points: [
            { x: points[0]!.x, y: toY(bestValue) },
            { x: points.at(-1)!.x, y: toY(bestValue) },
          ],
          style: 'line',
        });
      return xyChart({
        id: `param-${name}`,
        title: `${name} over the trials${log ? ' (log scale)' : ''}`,
        xLabel: 'trial',
        yLabel: name,
        series,
        yFormat: log ? (v) => formatCompact(10 ** v, 3) : undefined,
        note: 'convergence: the sampler concentrates where the objective is good',
      });
    });
}

function importanceTable(report: StudyReport): string {
  const rows = report.importance
    .map(
      (r) => `<tr><td>${escapeHtml(r.param)}</td><td class="num">${formatPercent(r.importance, 1)}</td></tr>`,
    )
    .join('');
  return (
    `<h2>Parameter importance</h2><p><small>|Spearman rank correlation| of each parameter (log for log-scale ones) with the objective over complete trials, normalised to sum to 100 %.</small></p>` +
    `<table><thead><tr><th>Parameter</th><th>Importance</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function trialsTable(report: StudyReport): string {
  const rows = [...report.trials]
    .sort((a, b) => a.number - b.number)
    .map(
      (t) =>
        `<tr><td class="num">${t.number}</td><td>${escapeHtml(t.state)}</td><td class="num">${t.value === undefined ? '–' : escapeHtml(objectiveFormat(report)(t.value))}</td>` +
        `<td>${escapeHtml(paramsText(t.params))}</td><td class="note">${escapeHtml(t.error ?? '')}</td></tr>`,
    )
    .join('');
  return `<section><h2>Trials</h2><table class="trades"><thead><tr><th>#</th><th>State</th><th>Value</th><th>Parameters</th><th>Error</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function paramsText(params: Record<string, ReportParamValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatCompact(v, 4) : String(v)}`)
    .join(', ');
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let k = 0; k < order.length;) {
    let j = k;
    while (j + 1 < order.length && order[j + 1]!.v === order[k]!.v) j++;
    const rank = (k + j) / 2;
    for (let m = k; m <= j; m++) out[order[m]!.i] = rank;
    k = j + 1;
  }
  return out;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 3) return 0;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
