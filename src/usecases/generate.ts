/**
 * Writes a synthetic KRX market to a folder: per trading day the code and tick XML files of both sides
 * and the regime labels, plus `faults_manifest.json` when faults are injected. Files are streamed to
 * disk chunk by chunk with backpressure, so a gigabyte tick file costs megabytes of memory.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import type { IsoDate } from '../core/market/kst.ts';
import { parseFaultSpec } from '../core/synth/fault-spec.ts';
import type { FaultKind } from '../core/synth/fault-spec.ts';
import { GenerationRun } from '../core/synth/generate-run.ts';
import type { SynthFile } from '../core/synth/generate-run.ts';

export interface GenerateRequest {
  out: string;
  seed: string;
  start: IsoDate;
  days: number;
  ticksPerDay?: number;
  /** A `--faults` spec (see src/core/synth/fault-spec.ts); empty or absent for clean files. */
  faults?: string;
  /** 0 = front month (default); 1 = the month after, like the real 2025-12-01 sample. */
  monthsAhead?: number;
}

export interface GeneratedFile {
  name: string;
  kind: SynthFile['kind'];
  rows: number;
  bytes: number;
}

export interface GenerateSummary {
  out: string;
  seed: string;
  days: IsoDate[];
  ticksPerDay: number;
  faults: string | null;
  faultCounts: Partial<Record<FaultKind, number>>;
  files: GeneratedFile[];
  ticks: number;
  bytes: number;
  seconds: number;
  ticksPerSecond: number;
  mebibytesPerSecond: number;
}

export interface GenerateProgress {
  file: string;
  fileIndex: number;
  /** Bytes and rows of this file so far. */
  bytes: number;
  rows: number;
  /** Bytes of the whole run so far. */
  totalBytes: number;
  done: boolean;
}

/** Progress is reported at the end of each file and about every 32 MiB inside one. */
const PROGRESS_EVERY_BYTES = 32 * 1024 * 1024;

export async function generateMarket(
  request: GenerateRequest,
  onProgress: (progress: GenerateProgress) => void = () => {},
): Promise<GenerateSummary> {
  const spec = request.faults ? parseFaultSpec(request.faults) : undefined;
  const run = new GenerationRun({
    seed: request.seed,
    start: request.start,
    days: request.days,
    ticksPerDay: request.ticksPerDay,
    faults: spec,
    monthsAhead: request.monthsAhead,
  });
  const out = resolve(request.out);
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const files: GeneratedFile[] = [];
  let totalBytes = 0;
  let fileIndex = 0;
  for (const file of run.files()) {
    const stream = createWriteStream(join(out, file.name));
    let bytes = 0;
    let reported = 0;
    try {
      for (const chunk of file.chunks()) {
        bytes += chunk.byteLength;
        totalBytes += chunk.byteLength;
        if (!stream.write(chunk)) await once(stream, 'drain');
        if (bytes - reported >= PROGRESS_EVERY_BYTES) {
          reported = bytes;
          onProgress({ file: file.name, fileIndex, bytes, rows: file.rows, totalBytes, done: false });
        }
      }
      stream.end();
      await finished(stream);
    } catch (error) {
      stream.destroy();
      throw error;
    }
    files.push({ name: file.name, kind: file.kind, rows: file.rows, bytes });
    onProgress({ file: file.name, fileIndex, bytes, rows: file.rows, totalBytes, done: true });
    fileIndex++;
  }
  const seconds = (performance.now() - started) / 1000;
  const ticks = files.filter((f) => f.kind === 'tick').reduce((sum, f) => sum + f.rows, 0);
  return {
    out,
    seed: request.seed,
    days: run.days,
    ticksPerDay: run.ticksPerDay,
    faults: spec ? request.faults!.trim() : null,
    faultCounts: spec ? run.manifest().counts : {},
    files,
    ticks,
    bytes: totalBytes,
    seconds,
    ticksPerSecond: ticks / seconds,
    mebibytesPerSecond: totalBytes / 1024 / 1024 / seconds,
  };
}
