import type { Command } from 'commander';
import { z } from 'zod';
import { FaultSpecError, parseFaultSpec } from '../../core/synth/fault-spec.ts';
import { generateMarket } from '../../usecases/generate.ts';
import type { GenerateProgress, GenerateSummary } from '../../usecases/generate.ts';
import { UsageError } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { printJson, printLines } from '../output.ts';

const options = z.object({
  days: z.coerce
    .number()
    .int('--days must be a whole number')
    .min(1, '--days must be at least 1')
    .max(5000, '--days is at most 5000'),
  start: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '--start must be a date YYYY-MM-DD')
    .refine(isRealDate, '--start is not a real calendar date'),
  seed: z.string().regex(/^[\w.-]{1,64}$/, '--seed must be 1–64 letters, digits, "_", "-" or "."'),
  out: z.string().min(1, '--out must name a folder'),
  faults: z
    .string()
    .optional()
    .superRefine((spec, context) => {
      if (spec === undefined) return;
      try {
        parseFaultSpec(spec);
      } catch (error) {
        if (!(error instanceof FaultSpecError)) throw error;
        context.addIssue({ code: 'custom', message: `--faults: ${error.message}` });
      }
    }),
  ticksPerDay: z.coerce
    .number()
    .int('--ticks-per-day must be a whole number')
    .min(1, '--ticks-per-day must be at least 1')
    .max(50_000_000, '--ticks-per-day is at most 50,000,000')
    .optional(),
  monthsAhead: z.coerce.number().int().min(0).max(2, '--months-ahead is 0, 1 or 2').optional(),
});

export function registerGenerate(program: Command, globals: () => GlobalOptions): void {
  program
    .command('generate')
    .description('write a synthetic KRX KOSPI200 option market (XML like KRX delivers, plus regime labels)')
    .requiredOption(
      '--start <date>',
      'first day, YYYY-MM-DD (weekends and holidays roll to the next trading day)',
    )
    .requiredOption('--out <dir>', 'folder for the files (created if missing; files are overwritten)')
    .option('--days <n>', 'trading days to generate', '1')
    .option('--seed <seed>', 'random seed: the same seed gives byte-identical files', '1')
    .option('--ticks-per-day <n>', 'approximate ticks per side per day (default: the real day, 1,674)')
    .option(
      '--faults <spec>',
      'inject faults, e.g. duplicates=0.01,reorder=0.005,truncate=1,encoding=utf-16le',
    )
    .option(
      '--months-ahead <n>',
      'trade the front month (0) or a later one (1 = like the real 2025-12-01 sample)',
    )
    .addHelpText(
      'after',
      [
        '',
        'Files per trading day: {ymcode}_{yyyymmdd}_CODE_CALL.xml, _CODE_PUT.xml, _TICK_CALL.xml, _TICK_PUT.xml',
        'and labels_{yyyymmdd}.csv (date,minute,regime,close); faults_manifest.json with --faults.',
        '',
        'Fault spec: KIND=RATE per tick row for duplicates, reorder, bad-price, off-grid, outside-session,',
        'time-mismatch (0–0.2 each); truncate=N cuts the last N tick files mid-row; encoding=utf-16le|',
        'utf-16be|euc-kr re-encodes every XML file.',
        '',
        'A ~1 GB tick file for reader benchmarks (each side of the day is one ~1 GB file):',
        '  quotelab generate --start 2025-12-01 --seed 1 --ticks-per-day 2900000 --out /tmp/krx-1gb',
      ].join('\n'),
    )
    .action(async (raw: Record<string, string | undefined>) => {
      const json = globals().json;
      const parsed = options.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const got = raw[String(issue.path[0])];
        throw new UsageError(`${issue.message}${got === undefined ? '' : ` (got "${got}")`}`);
      }
      const summary = await generateMarket(parsed.data, json ? () => {} : lineProgress());
      if (json) printJson(summary);
      else printLines(formatGenerate(summary));
    });
}

export function formatGenerate(summary: GenerateSummary): string[] {
  const days = summary.days;
  const faults = Object.entries(summary.faultCounts).map(([kind, count]) => `${kind} ${count}`);
  return [
    `generated ${days.length} trading day${days.length === 1 ? '' : 's'} (${days[0]}${days.length > 1 ? ` … ${days.at(-1)}` : ''}), seed ${summary.seed}, ~${summary.ticksPerDay.toLocaleString('en-US')} ticks per side per day → ${summary.out}`,
    ...summary.files.map(
      (file) =>
        `  ${file.name.padEnd(32)} ${file.kind === 'manifest' ? '' : `${file.rows.toLocaleString('en-US').padStart(11)} rows`} ${formatBytes(file.bytes).padStart(10)}`,
    ),
    `${summary.ticks.toLocaleString('en-US')} ticks, ${formatBytes(summary.bytes)} in ${summary.seconds.toFixed(1)} s (${Math.round(summary.ticksPerSecond).toLocaleString('en-US')} ticks/s, ${summary.mebibytesPerSecond.toFixed(1)} MiB/s)`,
    ...(summary.faults === null
      ? []
      : [`faults ${summary.faults}: ${faults.join(', ') || 'none injected'} (see faults_manifest.json)`]),
  ];
}

/** Progress on stderr, only once a run has taken a while, and at most every two seconds. */
function lineProgress(): (progress: GenerateProgress) => void {
  const started = performance.now();
  let last = started;
  return (progress) => {
    const now = performance.now();
    if (now - started < 2000 || now - last < 2000) return;
    last = now;
    process.stderr.write(
      `… ${progress.file}: ${progress.rows.toLocaleString('en-US')} rows, ${formatBytes(progress.bytes)}${progress.done ? ' (done)' : ''}; ${formatBytes(progress.totalBytes)} in ${((now - started) / 1000).toFixed(0)} s\n`,
    );
  };
}

function isRealDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(0)} KiB`;
}
