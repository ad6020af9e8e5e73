/**
 * One place for results: every backtest and study report is written to `<home>/reports/<id>.html`, and a
 * line per run is appended to the run index `<home>/reports/runs.jsonl` (id, when, strategy, data, PnL or
 * best value, report path), which `quotelab runs` lists and `quotelab report ID` looks up.
 *
 * The index is append-only JSON lines: several CLI processes may share a home, and an append of one short
 * line does not interleave with another's. A rerun (same run id) appends a new line; the newest line of an
 * id wins. A line that cannot be read is not dropped silently: listing returns it as damaged, with its
 * line number and the reason.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Platform } from '../core/platform.ts';
import type { BacktestSummary } from './backtest.ts';
import type { FinalizeOutput } from './research/finalize.ts';
import { marketProfile } from './market-profile.ts';

const RunEntrySchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['backtest', 'study']),
  /** ISO time the run finished. */
  when: z.string().min(1),
  strategy: z.string(),
  data: z.string(),
  /** Backtest: total PnL. Study: the best trial's value of `objective` (absent with no complete trial). */
  value: z.number().nullable().optional(),
  /** What `value` is: "pnl" for backtests, the study's objective name for studies. */
  measure: z.string(),
  /** Currency of `value` when it is money (KRW, USDT), else "". */
  currency: z.string(),
  report: z.string().min(1),
});

export type RunEntry = z.infer<typeof RunEntrySchema>;

export interface DamagedIndexLine {
  line: number;
  reason: string;
}

export interface RunListing {
  /** Newest first; one entry per id (its newest line). */
  runs: RunEntry[];
  index: string;
  damaged: DamagedIndexLine[];
}

export function reportsDir(home: string): string {
  return join(resolve(home), 'reports');
}

export function runIndexPath(home: string): string {
  return join(reportsDir(home), 'runs.jsonl');
}

/** `<home>/reports/<id>.html`, with any character that is not safe in a file name replaced by "_". */
export function defaultReportPath(home: string, id: string): string {
  return join(reportsDir(home), `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.html`);
}

/** Appends one run to the index. */
export function recordRun(home: string, entry: RunEntry): void {
  const checked = RunEntrySchema.parse(entry);
  mkdirSync(reportsDir(home), { recursive: true });
  appendFileSync(runIndexPath(home), `${JSON.stringify(checked)}\n`);
}

/** Every indexed run, newest first; `limit` keeps the newest N. */
export function listRuns(home: string, limit = Infinity): RunListing {
  const index = runIndexPath(home);
  const damaged: DamagedIndexLine[] = [];
  const byId = new Map<string, RunEntry>();
  if (existsSync(index)) {
    const lines = readFileSync(index, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        damaged.push({ line: i + 1, reason: `not JSON (${(error as Error).message})` });
        return;
      }
      const result = RunEntrySchema.safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        damaged.push({ line: i + 1, reason: `${issue.path.join('.') || 'entry'}: ${issue.message}` });
        return;
      }
      // Later lines are newer: a rerun of the same id replaces its earlier entry.
      byId.delete(result.data.id);
      byId.set(result.data.id, result.data);
    });
  }
  const runs = [...byId.values()].reverse().slice(0, limit);
  return { runs, index, damaged };
}

/** The run with this id, or the only one whose id starts with it. Throws with the candidates otherwise. */
export function findRun(home: string, id: string): RunEntry {
  const { runs } = listRuns(home);
  const exact = runs.find((run) => run.id === id);
  if (exact) return exact;
  const matches = runs.filter((run) => run.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new Error(`run id ${JSON.stringify(id)} is ambiguous: ${matches.map((run) => run.id).join(', ')}`);
  throw new Error(
    runs.length === 0
      ? `no run ${JSON.stringify(id)}: no runs recorded in ${runIndexPath(home)} yet (quotelab backtest, tune or demo record them)`
      : `no run ${JSON.stringify(id)} in ${runIndexPath(home)} (quotelab runs lists them)`,
  );
}

/** Writes a backtest's HTML report (default `<home>/reports/<run id>.html`) and indexes the run. */
export function saveBacktestReport(
  home: string,
  summary: BacktestSummary,
  options: { path?: string; when: Date },
): string {
  const path = resolve(options.path ?? defaultReportPath(home, summary.runId));
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, summary.html);
  recordRun(home, {
    id: summary.runId,
    kind: 'backtest',
    when: options.when.toISOString(),
    strategy: summary.strategy,
    data: summary.dataSource,
    value: Number.isFinite(summary.metrics.totalPnl) ? summary.metrics.totalPnl : null,
    measure: 'pnl',
    currency: marketProfile(summary.market, summary.instrument).currency,
    report: path,
  });
  return path;
}

/**
 * Copies a finished study's HTML report from the data store (where the workflow's last step wrote it,
 * locally or in S3) to `<home>/reports/<study id>.html` and indexes the study.
 */
export async function saveStudyReport(
  platform: Platform,
  home: string,
  result: FinalizeOutput,
  options: { when: Date },
): Promise<string> {
  const decoder = new TextDecoder();
  const html = decoder.decode(await platform.data.getBytes(result.reportKeys.html));
  const report = JSON.parse(decoder.decode(await platform.data.getBytes(result.reportKeys.json))) as {
    strategy?: string;
    objective?: string;
    dataVersion?: string;
    tradingDays?: string[];
    currency?: string;
  };
  const path = defaultReportPath(home, result.studyId);
  mkdirSync(reportsDir(home), { recursive: true });
  writeFileSync(path, html);
  const days = report.tradingDays ?? [];
  const objective = report.objective ?? 'objective';
  recordRun(home, {
    id: result.studyId,
    kind: 'study',
    when: options.when.toISOString(),
    strategy: report.strategy ?? '',
    data: `${report.dataVersion ?? ''}${days.length > 0 ? ` (${days[0]} … ${days.at(-1)})` : ''}`,
    value: result.best?.value ?? null,
    measure: objective,
    currency: objective === 'sharpe' ? '' : (report.currency ?? 'KRW'),
    report: path,
  });
  return path;
}
