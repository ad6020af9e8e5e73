import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ReadSummary } from '../../core/xml/krx-rows.ts';
import { runDemo } from '../../usecases/demo.ts';
import type { DemoPhaseEvent, DemoReport } from '../../usecases/demo.ts';
import { saveBacktestReport, saveStudyReport } from '../../usecases/run-index.ts';
import { openOrchestrator, openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { BTCUSDT_SPEC } from '../../core/market/instrument-specs.ts';
import { formatCount, formatMoney, formatPrice, KRW, marketCurrency, textTable } from '../format.ts';
import { mark, printJson, printLines } from '../output.ts';
import { formatDoctor } from './doctor.ts';

/**
 * What the platform does today, shown by the demo. Each later capability adds its step to the demo and
 * moves its line from "next" to "works".
 */
export const CAPABILITIES: Array<{ what: string; status: 'works' | 'next' }> = [
  { what: 'Node 22 toolchain, CLI, CDK app with Dev/Prod stages and cdk-nag', status: 'works' },
  { what: 'object and key-value stores: local (folder, SQLite) and AWS (S3, DynamoDB)', status: 'works' },
  {
    what: 'KRX instruments, streaming XML reader with quarantine, synthetic market, Binance feed',
    status: 'works',
  },
  { what: 'Iceberg lake (bronze/silver/gold), S3-triggered ETL, Athena and DuckDB queries', status: 'works' },
  {
    what: 'Avellaneda–Stoikov and signal backtests with fill, queue, latency and fee models',
    status: 'works',
  },
  {
    what: 'TPE tuning and walk-forward studies on Step Functions (and the same ASL locally)',
    status: 'works',
  },
  { what: 'regime / signal / spread-policy models in ONNX with a registry', status: 'next' },
  { what: 'live paper agent on Fargate with risk gate and circuit breaker', status: 'next' },
];

export function registerDemo(program: Command, globals: () => GlobalOptions): void {
  program
    .command('demo')
    .description('run the end-to-end demo on the embedded platform (no cloud needed)')
    .option('--seed <seed>', 'seed of the synthetic week', 'demo')
    .action(async (local: { seed: string }) => {
      const options = globals();
      const platform = openPlatform(options);
      let report: DemoReport;
      let tuningReport: string | undefined;
      try {
        report = await runDemo(platform, {
          workDir: join(resolve(options.home), 'demo'),
          orchestrator: options.target === 'local' ? openOrchestrator(options, platform) : undefined,
          seed: local.seed,
          // Phases on stderr, so a first run (about a minute) says what it is doing; stdout stays the report.
          onPhase: options.json ? undefined : (event) => process.stderr.write(`${formatPhase(event)}\n`),
        });
        const when = new Date();
        for (const backtest of report.backtests)
          backtest.reportPath = saveBacktestReport(options.home, backtest, { when });
        if (report.tuning)
          tuningReport = await saveStudyReport(platform, options.home, report.tuning, { when });
      } finally {
        await platform.close();
      }
      if (options.json) {
        const backtests = report.backtests.map((b) => ({
          runId: b.runId,
          dataSource: b.dataSource,
          stats: b.result.stats,
          totalPnl: b.metrics.totalPnl,
          report: b.reportPath,
        }));
        const tuning = report.tuning && { ...report.tuning, report: tuningReport };
        printJson({ ...report, backtests, tuning, capabilities: CAPABILITIES });
      } else printLines(formatDemo(report, { tuningReport }));
      if (!report.doctor.ok || report.lake.ingested.some((file) => file.error)) process.exitCode = 1;
    });
}

/** "demo [3/7] generate a synthetic week …" when a phase starts, "demo [3/7] done in 4.2 s: …" when it ends. */
export function formatPhase(event: DemoPhaseEvent): string {
  const tag = `demo [${event.phase.index}/${event.phase.total}]`;
  if (event.state === 'start') return `${tag} ${event.phase.name} …`;
  if (event.state === 'progress') return `${tag}   ${event.detail}`;
  return `${tag} done in ${event.seconds.toFixed(1)} s: ${event.detail}`;
}

export function formatDemo(report: DemoReport, paths: { tuningReport?: string } = {}): string[] {
  const week = report.syntheticWeek;
  const regimes = Object.entries(week.regimeMinutes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([regime, minutes]) => `${regime} ${minutes}`)
    .join(', ');
  const b = report.binance;
  return [
    ...formatDoctor(report.doctor),
    '',
    '1. The real KRX day (data/krx-options-20251201), read by the streaming reader:',
    ...formatSummaries(report.realDay),
    '',
    `2. A synthetic week (seed ${week.generated.seed}, ${week.generated.days[0]} to ${week.generated.days.at(-1)}, faults injected: ${faults(week.generated.faultCounts)}), written as KRX XML and read back:`,
    `   ${week.generated.files.length} files, ${formatCount(week.generated.ticks)} ticks, ${(week.generated.bytes / 1024 / 1024).toFixed(1)} MiB in ${week.generated.seconds.toFixed(1)} s; true regimes (minutes): ${regimes}`,
    `   read back: ${formatCount(sum(ticks(week.read), 'accepted'))} ticks and ${formatCount(sum(codes(week.read), 'accepted'))} codes accepted, ${formatCount(sum(week.read, 'quarantined'))} quarantined (${injected(week.generated.faultCounts)} faults were injected)`,
    '',
    `3. The Binance BTCUSDT capture (${b.file}):`,
    `   ${formatCount(b.messages)} messages (${b.unknown} unknown, ${b.malformed} malformed) over ${b.durationSeconds.toFixed(0)} s;` +
      ` order book in sync with ${b.sequenceGaps} sequence gaps; ${b.snapshots} one-second snapshots; mid ${formatPrice(b.firstMid ?? NaN, BTCUSDT_SPEC.tickSize)} → ${formatPrice(b.lastMid ?? NaN, BTCUSDT_SPEC.tickSize)}`,
    '',
    `4. The lake: the real day and the synthetic week through the ETL (${formatOutcomes(report)}); tables:`,
    ...textTable(
      ['table', 'rows', 'files', 'snapshots'],
      report.lake.tables.map((t) => [t.name, t.records, t.dataFiles, t.snapshots]),
    ).map((line) => `   ${line}`),
    ...report.lake.queries.flatMap((q) => [
      '',
      `   quotelab query "<${q.name}>"   (${q.result.rows.length} rows, ${q.result.elapsedMs.toFixed(0)} ms)`,
      ...textTable(
        q.result.columns.map((c) => c.name),
        q.result.rows.slice(0, 12),
      ).map((line) => `   ${line}`),
    ]),
    '',
    '5. Backtests (Avellaneda–Stoikov, default fees; BTC with a 0.002 % minimum spread and γ = 0.1), reports written:',
    ...report.backtests.flatMap((b) => {
      const s = b.result.stats;
      const n = formatCount;
      const money = (x: number) => formatMoney(x, marketCurrency(b.market), { unit: true });
      const fees = b.metrics.fees.netFees;
      return [
        `   ${b.dataSource}: ${n(b.events)} events, ${n(b.instruments)} instrument${b.instruments === 1 ? '' : 's'}, ${n(s.fills)} fills, ${n(b.result.snapshots.length)} snapshots`,
        `     PnL ${money(b.metrics.totalPnl)} after ${money(fees)} of fees (${money(b.metrics.totalPnl + fees)} before); max drawdown ${money(b.metrics.maxDrawdown.amount)}`,
        `     report → ${b.reportPath ?? '(not written)'}`,
      ];
    }),
    '   Untuned A&S loses here: on trade-only KRX ticks a quote fills only when a trade prints through it',
    '   (adverse selection by construction), and 10 bps a side is more than the BTC spread it captures.',
    '   docs/engine.md explains the fill rules.',
    '',
    ...formatTuning(report, paths.tuningReport),
    'What quotelab does so far:',
    ...CAPABILITIES.map(
      (c) => `  ${c.status === 'works' ? mark.ok : '·'} ${c.what}${c.status === 'next' ? ' (next)' : ''}`,
    ),
  ];
}

function formatTuning(report: DemoReport, reportPath: string | undefined): string[] {
  const tuning = report.tuning;
  if (!tuning)
    return [
      '6. Tuning: runs on the local target only (the study workflow runs in AWS with quotelab tune).',
      '',
    ];
  const oos = tuning.outOfSample;
  const best = tuning.best;
  const krw = (x: number) => formatMoney(x, KRW, { unit: true });
  return [
    `6. Tuning study ${tuning.studyId} (stepfunctions/tuning.asl.json run locally, TPE, walk-forward over the synthetic week):`,
    `   ${tuning.complete} trials complete, ${tuning.failed} failed` +
      (best
        ? `; best ${Object.entries(best.params)
            .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(3)) : v}`)
            .join(', ')}`
        : ''),
    ...(oos
      ? [
          `   out of sample (${oos.tunedPnl >= oos.manualPnl ? 'tuned ahead' : 'manual ahead'}): tuned ${krw(oos.tunedPnl)}, Seed B manual ${krw(oos.manualPnl)}; max drawdown ${krw(oos.tunedMaxDrawdown)} vs ${krw(oos.manualMaxDrawdown)}`,
        ]
      : []),
    `   report → ${reportPath ?? tuning.reportKeys.html}`,
    '',
  ];
}

function formatSummaries(summaries: ReadSummary[]): string[] {
  return summaries.map((s) => {
    const what =
      s.kind === 'tick'
        ? `${formatCount(s.accepted)} ticks, ${s.codes} codes`
        : `${s.accepted} contract codes`;
    const span = s.firstTs !== undefined ? `, ${kst(s.firstTs)}–${kst(s.lastTs!)} KST` : '';
    return `   ${s.srcFile.padEnd(34)} ${what}${span}, ${s.quarantined} quarantined, ${s.encoding}`;
  });
}

function injected(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((total, n) => total + (n ?? 0), 0);
}

function faults(counts: Partial<Record<string, number>>): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}

function formatOutcomes(report: DemoReport): string {
  const counts = new Map<string, number>();
  for (const file of report.lake.ingested) {
    const outcome = file.error
      ? 'failed'
      : (file.handled?.result?.outcome ?? file.handled?.skipped ?? 'done');
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}

const ticks = (summaries: ReadSummary[]) => summaries.filter((s) => s.kind === 'tick');
const codes = (summaries: ReadSummary[]) => summaries.filter((s) => s.kind === 'code');

function sum(summaries: ReadSummary[], field: 'accepted' | 'quarantined'): number {
  return summaries.reduce((total, s) => total + s[field], 0);
}

function kst(utcMs: number): string {
  return new Date(utcMs + 9 * 3600_000).toISOString().slice(11, 19);
}
