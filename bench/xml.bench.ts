/**
 * KRX XML read throughput (parse + validate, one core): the real sample files, a generated file of about
 * 1 M ticks, and peak RSS while streaming a generated ~1 GB file in a separate process. Prints figures;
 * asserts nothing. Target (issue 3): ≥ 300,000 ticks/s per core; < 512 MB peak RSS on 1 GB.
 *
 * Pathological text (issue 12): 50 MB with no '<', a 100 MB comment, a 200 MB row that never closes. With
 * the default caps each is refused at its cap (time to the XmlLimitExceededError); with the caps lifted
 * the same shapes (50 MB each, the text is then held in memory) are scanned to the end (target ≥ 50 MB/s).
 *
 *   npm run bench -- xml            (set QUOTELAB_BENCH_SKIP_1GB=1 to skip the 1 GB file)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlLimitExceededError, readKrxXml } from '../src/core/xml/krx-xml-reader.ts';
import type { XmlLimits } from '../src/core/xml/krx-xml-reader.ts';
import { generateMarket } from '../src/usecases/generate.ts';
import type { BenchResult } from './types.ts';

const REAL = fileURLToPath(new URL('../data/krx-options-20251201/', import.meta.url));
const CHILD = fileURLToPath(new URL('./xml-read-child.ts', import.meta.url));

async function* chunks(bytes: Uint8Array, size = 256 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(bytes: Uint8Array, srcFile: string): Promise<number> {
  let rows = 0;
  const reader = readKrxXml(chunks(bytes), { srcFile });
  for (;;) {
    const next = await reader.next();
    if (next.done) return rows;
    rows += next.value.ticks.length + next.value.codes.length + next.value.quarantined.length;
  }
}

/** Best of a few timed passes (after a warm-up), reading from memory so the disk is not measured. */
async function throughput(
  bytes: Uint8Array,
  srcFile: string,
  passes: number,
): Promise<{ rowsPerSecond: number; mbPerSecond: number; rows: number }> {
  const rows = await readAll(bytes, srcFile);
  let best = Infinity;
  for (let i = 0; i < passes; i++) {
    const started = performance.now();
    await readAll(bytes, srcFile);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return { rowsPerSecond: rows / best, mbPerSecond: bytes.length / 1e6 / best, rows };
}

const PATHOLOGICAL_HEAD = '<?xml version="1.0" standalone="yes"?>\n<DocumentElement>\n';
const PATHOLOGICAL: Array<{ name: string; mb: number; head: string; fill: string; tail: string }> = [
  { name: "text with no '<'", mb: 50, head: '', fill: 'x', tail: '' },
  {
    name: 'a comment',
    mb: 100,
    head: `${PATHOLOGICAL_HEAD}<!--`,
    fill: 'x',
    tail: '-->\n</DocumentElement>\n',
  },
  { name: 'a row that never closes', mb: 200, head: `${PATHOLOGICAL_HEAD}<Table><c>`, fill: '9', tail: '' },
];
const NO_LIMITS: XmlLimits = {
  maxRowChars: Infinity,
  maxTagChars: Infinity,
  maxCommentChars: Infinity,
  maxDoctypeChars: Infinity,
  maxTextChars: Infinity,
};

/** `head`, `mb` MB of `fill`, `tail`, in 256 KiB chunks (never held whole). */
async function* pathological(
  head: string,
  fill: string,
  tail: string,
  bytes: number,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const block = encoder.encode(fill.repeat(256 * 1024));
  yield encoder.encode(head);
  for (let left = bytes; left > 0; left -= block.length)
    yield left >= block.length ? block : block.subarray(0, left);
  yield encoder.encode(tail);
}

/** Seconds to read to the end or to the cap's refusal, and which it was. */
async function readPathological(
  source: AsyncIterable<Uint8Array>,
  limits?: XmlLimits,
): Promise<{ seconds: number; refused?: string }> {
  const started = performance.now();
  try {
    const reader = readKrxXml(source, { srcFile: '202601_20251201_TICK_CALL.xml', limits });
    while (!(await reader.next()).done);
    return { seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (!(error instanceof XmlLimitExceededError)) throw error;
    return { seconds: (performance.now() - started) / 1000, refused: error.limit };
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const shape of PATHOLOGICAL) {
    const capped = await readPathological(pathological(shape.head, shape.fill, shape.tail, shape.mb * 1e6));
    results.push({
      name: `${shape.mb} MB of ${shape.name}, default caps: refused by ${capped.refused ?? 'nothing (read to the end)'} after`,
      value: capped.seconds,
      unit: 's',
    });
    const lifted = await readPathological(pathological(shape.head, shape.fill, shape.tail, 50e6), NO_LIMITS);
    results.push({
      name: `50 MB of ${shape.name}, caps lifted: scanned to the end`,
      value: 50 / lifted.seconds,
      unit: 'MB/s',
    });
  }
  const realTicks = ['202601_20251201_TICK_CALL.xml', '202601_20251201_TICK_PUT.xml'];
  const bytes = realTicks.map((name) => new Uint8Array(readFileSync(join(REAL, name))));
  // The real files are small (0.6 MB): read them many times per pass.
  const repeated = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of bytes) {
    repeated.set(b, offset);
    offset += b.length;
  }
  let realRows = 0;
  let best = Infinity;
  for (let pass = 0; pass < 4; pass++) {
    const started = performance.now();
    realRows = 0;
    for (let i = 0; i < 40; i++)
      for (const [j, b] of bytes.entries()) realRows += await readAll(b, realTicks[j]!);
    if (pass > 0) best = Math.min(best, (performance.now() - started) / 1000);
  }
  results.push({
    name: 'real KRX tick files (2 × 0.6 MB, read 40×)',
    value: realRows / best,
    unit: 'ticks/s',
  });
  results.push({
    name: 'real KRX tick files (2 × 0.6 MB, read 40×)',
    value: (repeated.length * 40) / 1e6 / best,
    unit: 'MB/s',
  });

  const dir = mkdtempSync(join(tmpdir(), 'quotelab-bench-xml-'));
  try {
    await generateMarket({
      out: dir,
      seed: 'bench-xml',
      start: '2025-12-01',
      days: 1,
      ticksPerDay: 1_100_000,
    });
    const callFile = join(
      dir,
      readdirSync(dir).find((name) => name.endsWith('_TICK_CALL.xml'))!,
    );
    const generated = new Uint8Array(readFileSync(callFile));
    const measured = await throughput(generated, basename(callFile), 3);
    const label = `generated tick file (${(measured.rows / 1e6).toFixed(2)} M ticks, ${(generated.length / 1e6).toFixed(0)} MB)`;
    results.push({ name: label, value: measured.rowsPerSecond, unit: 'ticks/s' });
    results.push({ name: label, value: measured.mbPerSecond, unit: 'MB/s' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (process.env.QUOTELAB_BENCH_SKIP_1GB !== '1') {
    const big = mkdtempSync(join(tmpdir(), 'quotelab-bench-xml-1gb-'));
    try {
      await generateMarket({ out: big, seed: '1', start: '2025-12-01', days: 1, ticksPerDay: 2_900_000 });
      const file = join(
        big,
        readdirSync(big).find((name) => name.endsWith('_TICK_CALL.xml'))!,
      );
      const child = spawnSync(process.execPath, [CHILD, file], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`reader child failed: ${child.stderr}`);
      const figures = JSON.parse(child.stdout) as {
        bytes: number;
        ticks: number;
        seconds: number;
        maxRssBytes: number;
      };
      const label = `streaming ${(figures.bytes / 1e9).toFixed(2)} GB (${(figures.ticks / 1e6).toFixed(2)} M ticks) from disk`;
      results.push({ name: `${label}: peak RSS`, value: figures.maxRssBytes / 1024 / 1024, unit: 'MiB' });
      results.push({ name: `${label}: throughput`, value: figures.ticks / figures.seconds, unit: 'ticks/s' });
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  }
  return results;
}
