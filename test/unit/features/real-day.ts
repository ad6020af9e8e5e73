/**
 * The real sample day (data/krx-options-20251201, 2025-12-01) read once per test file, and helpers shared
 * by the feature tests.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { expect } from 'vitest';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { TickRow } from '../../../src/core/xml/krx-rows.ts';
import { CALL_TICKS, PUT_TICKS } from '../xml/fixtures.ts';

export interface RealDay {
  /** Each file's ticks in file order (per code, in time order; codes one after the other). */
  calls: TickRow[];
  puts: TickRow[];
}

let cached: Promise<RealDay> | undefined;

export function realDay(): Promise<RealDay> {
  cached ??= (async () => {
    const [calls, puts] = await Promise.all(
      [CALL_TICKS, PUT_TICKS].map((path) =>
        readKrxXmlAll(createReadStream(path), { srcFile: basename(path) }),
      ),
    );
    return { calls: calls!.ticks, puts: puts!.ticks };
  })();
  return cached;
}

/** Relative closeness, for values computed independently in another language. */
export function expectClose(actual: number | null | undefined, expected: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual, what).toBeTypeOf('number');
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs((actual as number) - expected) / scale, `${what}: ${actual} vs ${expected}`).toBeLessThan(
    1e-12,
  );
}

/** Rows grouped by code, keeping their order. */
export function byCode<T extends { code: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    let group = groups.get(row.code);
    if (!group) groups.set(row.code, (group = []));
    group.push(row);
  }
  return groups;
}

export function findRow<T extends { code: string; minute: string }>(
  rows: readonly T[],
  code: string,
  minute: string,
): T {
  const row = rows.find((r) => r.code === code && r.minute === minute);
  if (!row) throw new Error(`no row for ${code} at ${minute}`);
  return row;
}
