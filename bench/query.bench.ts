/**
 * Memory of `quotelab query` on results far bigger than what is printed (issue 12 point 15): the real
 * CLI (src/cli/main.ts) in a child process, against a fresh empty home (range() needs no lake table),
 * in table format. Cases: 5 rows of 50 M (--max-rows 5), the default limit (10,000) on 50 M rows, a
 * 300,000-row table (--max-rows 300000), and `SELECT 42` for the floor (Node + DuckDB loaded).
 * Peak RSS comes from the child itself at exit (bench/peak-rss.ts, preloaded); a child that crashes
 * (the unbounded reader ran out of heap) gets the last VmHWM sampled from /proc, a lower bound, and
 * says so. Prints figures; asserts nothing. Budget: a limited query costs the floor plus little.
 *
 *   npm run bench -- query
 *   QUOTELAB_BENCH_QUERY_ROWS=5000000 npm run bench -- query   (a smaller source)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.ts';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./peak-rss.ts', import.meta.url));

interface Measured {
  /** Exit code, or the signal that ended the child. */
  exit: number | string;
  seconds: number;
  peakRssBytes: number;
  /** True when the child wrote its own peak RSS; false when it is the last /proc sample. */
  exact: boolean;
  stdoutLines: number;
  stderrTail: string;
}

/** Runs `quotelab --home HOME ...args` and measures it; stdout is counted, not kept. */
async function measure(home: string, args: string[]): Promise<Measured> {
  const rssFile = join(home, `rss-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PRELOAD, MAIN, '--home', home, ...args], {
    env: { ...process.env, QUOTELAB_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdoutLines = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) stdoutLines++;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let sampled = 0;
  const sampler = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) sampled = Math.max(sampled, Number(hwm[1]) * 1024);
    } catch {
      // Not Linux, or the child is gone.
    }
  }, 50);
  const exit = await new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  clearInterval(sampler);
  const exact = existsSync(rssFile);
  return {
    exit,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: exact ? Number(readFileSync(rssFile, 'utf8')) : sampled,
    exact,
    stdoutLines,
    stderrTail: stderr.trim().split('\n').slice(-2).join(' | '),
  };
}

export async function run(): Promise<BenchResult[]> {
  const rows = Number(process.env.QUOTELAB_BENCH_QUERY_ROWS ?? 50_000_000);
  const source = `SELECT * FROM range(${rows})`;
  const size = `${(rows / 1e6).toLocaleString('en-US')} M rows`;
  const cases: Array<[string, string[]]> = [
    ['SELECT 42 (the floor)', ['query', 'SELECT 42 AS answer']],
    [`--max-rows 5 of ${size}`, ['query', '--max-rows', '5', source]],
    [`no --max-rows (default limit 10,000) of ${size}`, ['query', source]],
    ['--max-rows 300000 of 300,000 rows', ['query', '--max-rows', '300000', 'SELECT * FROM range(300000)']],
  ];
  const home = mkdtempSync(join(tmpdir(), 'quotelab-bench-query-'));
  const results: BenchResult[] = [];
  try {
    for (const [label, args] of cases) {
      const measured = await measure(home, args);
      const failed = measured.exit !== 0;
      const how = failed
        ? ` (FAILED: exit ${measured.exit}${measured.exact ? '' : ', RSS sampled, a lower bound'})`
        : '';
      if (failed) console.log(`  ${label}: ${measured.stderrTail}`);
      results.push(
        { name: `${label}: peak RSS${how}`, value: measured.peakRssBytes / 1024 / 1024, unit: 'MiB' },
        { name: `${label}: wall time`, value: measured.seconds, unit: 's' },
        { name: `${label}: lines printed`, value: measured.stdoutLines, unit: 'lines' },
      );
    }
    return results;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
