/**
 * Throughput of the embedded stores (the local platform every CLI command runs on). Prints figures;
 * asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../src/adapters/local/fs-object-store.ts';
import { SqliteKeyValueStore } from '../src/adapters/local/sqlite-key-value.ts';
import type { BenchResult } from './types.ts';

const MiB = 1024 * 1024;

async function* chunks(count: number): AsyncGenerator<Uint8Array> {
  const chunk = new Uint8Array(MiB).fill(42);
  for (let i = 0; i < count; i++) yield chunk;
}

async function time<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-bench-'));
  try {
    const store = new FsObjectStore(join(dir, 'objects'));
    const results: BenchResult[] = [];

    const streamWrite = await time(() => store.put('big.bin', chunks(256)));
    results.push({ name: 'FsObjectStore streamed put, 256 MiB', value: 256 / streamWrite, unit: 'MiB/s' });
    const streamRead = await time(async () => {
      for await (const _ of await store.getStream('big.bin'));
    });
    results.push({ name: 'FsObjectStore streamed get, 256 MiB', value: 256 / streamRead, unit: 'MiB/s' });

    const small = 2000;
    const smallWrite = await time(async () => {
      for (let i = 0; i < small; i++) await store.put(`small/${i}`, 'x'.repeat(1024), { ifAbsent: true });
    });
    results.push({
      name: 'FsObjectStore conditional put, 1 KiB objects (sequential)',
      value: small / smallWrite,
      unit: 'ops/s',
    });
    const listing = await time(async () => {
      let cursor: string | undefined;
      do cursor = (await store.list({ prefix: 'small/', cursor })).cursor;
      while (cursor);
    });
    results.push({
      name: 'FsObjectStore list, 2,000 keys in pages of 1,000',
      value: small / listing,
      unit: 'keys/s',
    });

    const kv = new SqliteKeyValueStore(join(dir, 'kv.sqlite'), 'bench');
    const items = 20_000;
    const puts = await time(async () => {
      for (let i = 0; i < items; i++)
        await kv.put({ pk: `p${i % 100}`, sk: String(i), v: i }, { kind: 'absent' });
    });
    results.push({
      name: 'SqliteKeyValueStore conditional put (sequential)',
      value: items / puts,
      unit: 'ops/s',
    });
    const gets = await time(async () => {
      for (let i = 0; i < items; i++) await kv.get({ pk: `p${i % 100}`, sk: String(i) });
    });
    results.push({ name: 'SqliteKeyValueStore get', value: items / gets, unit: 'ops/s' });
    const updates = await time(async () => {
      for (let i = 0; i < items; i++) await kv.update({ pk: 'counter', sk: 'c' }, { add: { n: 1 } });
    });
    results.push({ name: 'SqliteKeyValueStore atomic increment', value: items / updates, unit: 'ops/s' });
    kv.close();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
