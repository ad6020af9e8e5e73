/**
 * Synthetic market generation throughput: one trading day of about 1 M ticks (500,000 per side) written
 * to a temp folder through the `quotelab generate` use case. Prints figures; asserts nothing.
 *
 * For the reader's streaming benchmark, a ~1 GB single tick file (each side's file is about 1 GB):
 *   bin/quotelab generate --start 2025-12-01 --seed 1 --ticks-per-day 2900000 --out /tmp/krx-1gb
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMarket } from '../src/usecases/generate.ts';
import type { BenchResult } from './types.ts';

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-bench-generate-'));
  try {
    const summary = await generateMarket({
      out: dir,
      seed: 'bench',
      start: '2025-12-01',
      days: 1,
      ticksPerDay: 500_000,
    });
    const label = `1 day, ${(summary.ticks / 1e6).toFixed(2)} M ticks, ${(summary.bytes / 1024 / 1024).toFixed(0)} MiB`;
    return [
      { name: `generate ${label}`, value: summary.ticksPerSecond, unit: 'ticks/s' },
      { name: `generate ${label}`, value: summary.mebibytesPerSecond, unit: 'MiB/s' },
      { name: `generate ${label}: wall time`, value: summary.seconds, unit: 's' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
