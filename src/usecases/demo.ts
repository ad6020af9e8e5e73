/**
 * The end-to-end demo on the embedded platform. Each capability of quotelab adds a step here; the CLI
 * prints the report. Steps are small use cases of their own so tests can run them one by one.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STANDARD_QUERIES } from '../core/lake/standard-queries.ts';
import type { Platform } from '../core/ports/platform.ts';
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
import { runStudyLocal } from './research/local-workflow.ts';
import type { FileIngest } from './ingest-files.ts';
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
  /** The local platform's home: the tuning study's worker threads open it (local target only). */
  home?: string;
  seed?: string;
  /** Trading days of synthetic market to generate (default 5: a week). */
  syntheticDays?: number;
}

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
  const doctor = await runDoctor(platform);
  const realDay = await readRealDay();
  const syntheticWeek = await generateAndReadWeek(options);
  const binance = await summariseBinanceCapture(BINANCE_CAPTURE);
  const lake = await ingestIntoLake(platform, [...realDayFiles(), ...syntheticWeek.xmlFiles]);
  const backtests = await demoBacktests(platform);
  const tuning = options.home ? await demoTuning(platform, options.home, options.seed ?? 'demo') : undefined;
  return { doctor, realDay, syntheticWeek, binance, lake, backtests, tuning };
}

/**
 * A small tuning study on the synthetic week in the lake (the same workflow file as in AWS, run here):
 * 16 TPE trials of A&S's γ, κ and spread clamp, two at a time, walk-forward over the week, the best and
 * Seed B's manual parameters compared on its last day. Rerunning the demo finds the study finished.
 */
export async function demoTuning(platform: Platform, home: string, seed: string): Promise<FinalizeOutput> {
  return runStudyLocal(
    platform,
    {
      studyId: `demo-week-${seed}`,
      data: { kind: 'table', from: '2025-12-08', to: '2025-12-12' },
      budget: { trials: 16, parallelism: 2 },
      seed: 1,
      walkForward: { trainDays: 2, validateDays: 1, testDays: 1 },
      fixedParams: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
    },
    { home },
  );
}

/**
 * Avellaneda–Stoikov on the real KRX day (all codes, from the lake) and on the real BTCUSDT capture (with a
 * tighter minimum spread than Seed B's 0.1 %, which never fills in six minutes of BTC).
 */
export async function demoBacktests(platform: Platform): Promise<BacktestSummary[]> {
  return [
    await runBacktestRequest(platform, {
      strategy: 'as',
      source: { kind: 'table' },
      from: '2025-12-01',
      to: '2025-12-01',
    }),
    await runBacktestRequest(platform, {
      strategy: 'as',
      source: { kind: 'files', paths: [BINANCE_CAPTURE] },
      params: { minSpreadFraction: '0.00002', gamma: '0.1' },
    }),
  ];
}

/** Ingests files through the ETL (idempotent: a second demo run finds them unchanged) and runs the standard queries. */
export async function ingestIntoLake(platform: Platform, files: string[]): Promise<DemoReport['lake']> {
  const ingested = await ingestFiles(platform, files);
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
