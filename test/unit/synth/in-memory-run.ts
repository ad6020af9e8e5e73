/** Runs a generation into memory: file name → bytes, in the order the run produced them. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GenerationRun } from '../../../src/core/synth/generate-run.ts';
import type { GenerateRunOptions } from '../../../src/core/synth/generate-run.ts';

export const REAL_DIR = fileURLToPath(new URL('../../../data/krx-options-20251201/', import.meta.url));

export function readReal(name: string): string {
  return readFileSync(`${REAL_DIR}${name}`, 'utf8');
}

export function runInMemory(options: GenerateRunOptions): {
  files: Map<string, Uint8Array>;
  run: GenerationRun;
} {
  const run = new GenerationRun(options);
  const files = new Map<string, Uint8Array>();
  for (const file of run.files()) files.set(file.name, Buffer.concat([...file.chunks()]));
  return { files, run };
}

export function text(bytes: Uint8Array | undefined): string {
  if (!bytes) throw new Error('no such file in the run');
  return new TextDecoder().decode(bytes);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function* streamOf(bytes: Uint8Array, chunkSize = 4096): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}
