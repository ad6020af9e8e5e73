/**
 * The end-to-end demo on the embedded platform. Each capability of quotelab adds a step here; the CLI
 * prints the report. Steps are small use cases of their own so tests can run them one by one.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STANDARD_QUERIES } from '../core/lake/standard-queries.ts';
import type { Orchestrator } from '../core/ports/orchestrator.ts';
import type { Platform } from '../core/platform.ts';
import type { QueryResult } from '../core/ports/query-engine.ts';
import type { ReadSummary } from '../core/xml/krx-rows.ts';
import type { DoctorReport } from './doctor.ts';
import { runDoctor } from './doctor.ts';
import { generateMarket } from './generate.ts';
import type { GenerateSummary } from './generate.ts';
import { runBacktestRequest } from './backtest.ts';
import type { BacktestSummary } from './backtest.ts';
import { ingestFiles } from './ingest-files.ts';
import type { FinalizeOutput } from './research/finalize.ts';
import { runStudy } from './research/run-study.ts';
import type { FileIngest, IngestFilesOptions } from './ingest-files.ts';
import type { RecordOutput } from './research/steps.ts';
import { listTables } from './list-tables.ts';
import type { TableStatus } from './list-tables.ts';
import { summariseBinanceCapture, summariseKrxFiles } from './read-market-files.ts';
import type { BinanceCaptureSummary } from './read-market-files.ts';

export const SHIPPED_DATA = fileURLToPath(new URL('../../data/', import.meta.url));
export const REAL_KRX_DAY = join(SHIPPED_DATA, 'krx-options-20251201');
export const BINANCE_CAPTURE = join(SHIPPED_DATA, 'crypto', 'binance-spot-btcusdt-20240808.gz');

/** Faults the demo's synthetic week carries, so the quarantine has something to show. */
export const DEMO_FAULTS =
  'duplicates=0.002,bad-price=0.001,off-grid=0.001,outside-session=0.001,time-mismatch=0.001';

export interface DemoOptions {
  /** Where the demo writes its generated files (inside the quotelab home). */
  workDir: string;
  /** Where the tuning study's workflow runs; without one the demo skips the study. */
  orchestrator?: Orchestrator;
  seed?: string;
  /** Trading days of synthetic market to generate (default 5: a week). */
  syntheticDays?: number;
  /**
   * Told when each phase starts and ends (and of progress inside the long ones), so the CLI can say what
   * it is doing: a fresh home takes about a minute.
   */
  onPhase?: (event: DemoPhaseEvent) => void;
}

export interface DemoPhase {
  /** 1-based position and the number of phases in this run. */
  index: number;
  total: number;
  name: string;
}

export type DemoPhaseEvent =
  | { state: 'start'; phase: DemoPhase }
  | { state: 'progress'; phase: DemoPhase; detail: string }
  | { state: 'end'; phase: DemoPhase; seconds: number; detail: string };

export interface DemoReport {
  doctor: DoctorReport;
  realDay: ReadSummary[];
  syntheticWeek: {
    generated: GenerateSummary;
    read: ReadSummary[];
    regimeMinutes: Record<string, number>;
    xmlFiles: string[];
  };
  binance: BinanceCaptureSummary;
  lake: {
    ingested: FileIngest[];
    tables: TableStatus[];
    queries: Array<{ name: string; sql: string; result: QueryResult }>;
  };
  backtests: BacktestSummary[];
  /** The small tuning study on the synthetic week (local target only). */
  tuning?: FinalizeOutput;
}

export async function runDemo(platform: Platform, options: DemoOptions): Promise<DemoReport> {
  const total = options.orchestrator ? 7 : 6;
  let index = 0;
  const notify = options.onPhase ?? (() => {});
  const phase = async <T>(
    name: string,
    work: (progress: (detail: string) => void) => Promise<T>,
    detail: (result: T) => string,
  ): Promise<T> => {
    const current: DemoPhase = { index: ++index, total, name };
    notify({ state: 'start', phase: current });
    const started = performance.now();
    const result = await work((text) => notify({ state: 'progress', phase: current, detail: text }));
    notify({
      state: 'end',
      phase: current,
      seconds: (performance.now() - started) / 1000,
      detail: detail(result),
    });
    return result;
  };
  const doctor = await phase(
    'doctor: check every store',
    () => runDoctor(platform),
    (r) => (r.ok ? 'all checks passed' : 'some checks FAILED'),
  );
  const realDay = await phase(
    'read the real KRX day',
    () => readRealDay(),
    (r) => `${r.length} files`,
  );
  const syntheticWeek = await phase(
    'generate a synthetic week with faults and read it back',
    () => generateAndReadWeek(options),
    (r) => `${r.generated.files.length} files`,
  );
  const binance = await phase(
    'read the Binance BTCUSDT capture',
    () => summariseBinanceCapture(BINANCE_CAPTURE),
    (r) => `${r.messages} messages`,
  );
  const files = [...realDayFiles(), ...syntheticWeek.xmlFiles];
  const lake = await phase(
    `ingest ${files.length} files into the lake and run the standard queries`,
    (progress) =>
      ingestIntoLake(platform, files, {
        onStart: (file, i, count) => progress(`file ${i + 1}/${count} ${basename(file)}`),
      }),
    (r) => `${r.ingested.filter((f) => !f.error).length} of ${r.ingested.length} files ingested`,
  );
  const backtests = await phase(
    'backtest A&S on the real KRX day and on the BTCUSDT capture',
    (progress) => demoBacktests(platform, progress),
    (r) => `${r.length} backtests`,
  );
  const orchestrator = options.orchestrator;
  const tuning = orchestrator
    ? await phase(
        'tuning study: 16 TPE trials over the synthetic week',
        (progress) =>
          demoTuning(platform, orchestrator, options.seed ?? 'demo', (p) =>
            progress(`${p.complete} complete, ${p.failed} failed`),
          ),
        (r) => `${r.complete} trials complete, ${r.failed} failed`,
      )
    : undefined;
  return { doctor, realDay, syntheticWeek, binance, lake, backtests, tuning };
}

/**
 * A small tuning study on the synthetic week in the lake (the same workflow file as in AWS, run here):
 * 16 TPE trials of A&S's γ, κ and spread clamp, two at a time, walk-forward over the week, the best and
 * Seed B's manual parameters compared on its last day. Rerunning the demo finds the study finished.
 */
export async function demoTuning(
  platform: Platform,
  orchestrator: Orchestrator,
  seed: string,
  onProgress?: (progress: RecordOutput) => void,
): Promise<FinalizeOutput> {
  return runStudy(
    platform,
    orchestrator,
    {
      studyId: `demo-week-${seed}`,
      data: { kind: 'table', from: '2025-12-08', to: '2025-12-12' },
      budget: { trials: 16, parallelism: 2 },
      seed: 1,
      walkForward: { trainDays: 2, validateDays: 1, testDays: 1 },
      fixedParams: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
    },
    { onProgress },
  );
}

/**
 * Avellaneda–Stoikov on the real KRX day (all codes, from the lake) and on the real BTCUSDT capture (with a
 * tighter minimum spread than Seed B's 0.1 %, which never fills in six minutes of BTC).
 */
export async function demoBacktests(
  platform: Platform,
  progress: (detail: string) => void = () => {},
): Promise<BacktestSummary[]> {
  return [
    await runBacktestRequest(platform, {
      strategy: 'as',
      source: { kind: 'table' },
      from: '2025-12-01',
      to: '2025-12-01',
      onProgress: (stage) => progress(`KRX day: ${stage}`),
    }),
    await runBacktestRequest(platform, {
      strategy: 'as',
      source: { kind: 'files', paths: [BINANCE_CAPTURE] },
      params: { minSpreadFraction: '0.00002', gamma: '0.1' },
      onProgress: (stage) => progress(`BTCUSDT: ${stage}`),
    }),
  ];
}

/** Ingests files through the ETL (idempotent: a second demo run finds them unchanged) and runs the standard queries. */
export async function ingestIntoLake(
  platform: Platform,
  files: string[],
  options: IngestFilesOptions = {},
): Promise<DemoReport['lake']> {
  const ingested = await ingestFiles(platform, files, options);
  const queries: DemoReport['lake']['queries'] = [];
  for (const name of ['daily-summary', 'quarantine-report']) {
    const query = STANDARD_QUERIES.find((q) => q.name === name)!;
    queries.push({ name, sql: query.sql, result: await platform.query.query(query.sql) });
  }
  return { ingested, tables: await listTables(platform), queries };
}

/** The seed's real KRX day: two tick files and two code files. */
export function readRealDay(): Promise<ReadSummary[]> {
  return summariseKrxFiles(realDayFiles());
}

function realDayFiles(): string[] {
  return readdirSync(REAL_KRX_DAY)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => join(REAL_KRX_DAY, name));
}

/**
 * Generates a synthetic week (the week after the real day, so the two stay apart in the lake) with a few
 * faults injected on purpose, and reads it back: the reader must quarantine exactly the injected faults.
 */
export async function generateAndReadWeek(options: DemoOptions): Promise<DemoReport['syntheticWeek']> {
  const out = join(options.workDir, 'synthetic-week');
  rmSync(out, { recursive: true, force: true });
  const generated = await generateMarket({
    out,
    seed: options.seed ?? 'demo',
    start: '2025-12-08',
    days: options.syntheticDays ?? 5,
    faults: DEMO_FAULTS,
  });
  const xml = generated.files
    .filter((file) => file.name.endsWith('.xml'))
    .map((file) => join(out, file.name));
  const read = await summariseKrxFiles(xml);
  const regimeMinutes: Record<string, number> = {};
  for (const file of generated.files.filter((f) => f.name.startsWith('labels_'))) {
    for (const line of readFileSync(join(out, file.name), 'utf8').trim().split('\n').slice(1)) {
      const regime = line.split(',')[2]!;
      regimeMinutes[regime] = (regimeMinutes[regime] ?? 0) + 1;
    }
  }
  return { generated, read, regimeMinutes, xmlFiles: xml };
}
