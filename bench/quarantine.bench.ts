/**
 * Memory of an ingest whose rows are all refused: a generated tick file of 3 M rows whose price does
 * not parse (about 1.1 GB of XML, every row quarantined with its raw text), ingested into a fresh
 * embedded lake in a child process (bench/ingest-child.ts) so its peak RSS is the ingest's alone.
 * Prints rows, wall time, MB/s and peak RSS; asserts nothing. Budget (issue 12): peak RSS ≤ 512 MB for
 * any input size.
 *
 *   npm run bench -- quarantine
 *   QUOTELAB_BENCH_QUARANTINE_ROWS=1000000 npm run bench -- quarantine   (another size)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.ts';

const CHILD = fileURLToPath(new URL('./ingest-child.ts', import.meta.url));
const TAG = '_x0032_02601_20251201_TICK_PUT';

/** Streams the file to disk (never held whole): `rows` tick rows, each with an unparseable price. */
async function writeBadRows(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write('<?xml version="1.0" standalone="yes"?>\n<DocumentElement>\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk +=
      `  <${TAG}>\n    <ymcode>202601</ymcode>\n    <code>C0161300</code>\n    <strike>300</strike>\n` +
      `    <idate>20251201</idate>\n    <itime>090000</itime>\n    <tdate>2025-12-01T09:00:00+09:00</tdate>\n` +
      `    <tcnt>${i + 1}</tcnt>\n    <c>not-a-price</c>\n    <o>0.08</o>\n    <h>0.08</h>\n    <l>0.08</l>\n` +
      `    <oi>0</oi>\n    <ccnt>1</ccnt>\n  </${TAG}>\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(`${chunk}</DocumentElement>\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

export async function run(): Promise<BenchResult[]> {
  const rows = Number(process.env.QUOTELAB_BENCH_QUARANTINE_ROWS ?? 3_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-bench-quarantine-'));
  try {
    const file = join(dir, '202601_20251201_TICK_PUT.xml');
    await writeBadRows(file, rows);
    const bytes = statSync(file).size;
    const home = join(dir, 'home');
    const child = spawnSync(process.execPath, [CHILD, file, home], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`ingest child failed (${child.status}): ${child.stderr}`);
    const measured = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      quarantined: number;
      seconds: number;
      maxRssBytes: number;
    };
    const label = `${(rows / 1e6).toFixed(2)} M bad rows (${(bytes / 1e9).toFixed(2)} GB of XML)`;
    return [
      { name: `${label}: rows quarantined`, value: measured.quarantined, unit: 'rows' },
      { name: `${label}: wall time`, value: measured.seconds, unit: 's' },
      { name: `${label}: throughput`, value: bytes / 1e6 / measured.seconds, unit: 'MB/s' },
      { name: `${label}: peak RSS`, value: measured.maxRssBytes / 1024 / 1024, unit: 'MiB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
