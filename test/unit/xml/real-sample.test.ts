import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import { readKrxXmlReference } from '../../../src/core/xml/reference-rows.ts';
import { CALL_CODES, CALL_TICKS, PUT_CODES, PUT_TICKS, chunksOf } from './fixtures.ts';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const read = (path: string) => readKrxXmlAll(createReadStream(path), { srcFile: basename(path) });

describe('reading the real KRX sample day', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  it('reads 1,549 + 1,798 ticks and 153 + 153 codes with nothing quarantined', async () => {
    const [calls, puts, callCodes, putCodes] = await Promise.all([
      read(CALL_TICKS),
      read(PUT_TICKS),
      read(CALL_CODES),
      read(PUT_CODES),
    ]);
    expect([calls.ticks.length, puts.ticks.length, callCodes.codes.length, putCodes.codes.length]).toEqual([
      1549, 1798, 153, 153,
    ]);
    for (const file of [calls, puts, callCodes, putCodes]) {
      expect(file.quarantined).toEqual([]);
      expect(file.summary).toMatchObject({
        quarantined: 0,
        truncated: false,
        reordered: 0,
        sequenceGaps: 0,
        warnings: [],
      });
    }
    expect(calls.summary).toMatchObject({
      kind: 'tick',
      rowsRead: 1549,
      accepted: 1549,
      codes: 59,
      encoding: 'utf-8 (default)',
    });
    expect(puts.summary).toMatchObject({ kind: 'tick', rowsRead: 1798, accepted: 1798, codes: 105 });
    expect(callCodes.summary).toMatchObject({ kind: 'code', codes: 153 });
    expect(new Set(calls.ticks.map((t) => t.side))).toEqual(new Set(['CALL']));
    expect(new Set(puts.ticks.map((t) => t.side))).toEqual(new Set(['PUT']));
    // The session seen in the data: 08:45:15 to 15:45:00 KST.
    expect(new Date(calls.summary.firstTs!).toISOString()).toBe('2025-11-30T23:45:15.000Z');
    expect(new Date(calls.summary.lastTs!).toISOString()).toBe('2025-12-01T06:45:00.000Z');
  });

  it('types the first row exactly as received, with its source position', async () => {
    const { ticks } = await read(CALL_TICKS);
    expect(ticks[0]).toEqual({
      srcFile: '202601_20251201_TICK_CALL.xml',
      srcRow: 0,
      side: 'CALL',
      ymcode: '202601',
      code: 'B0161530',
      strike: 530,
      idate: '20251201',
      itime: '100113',
      tdate: '2025-12-01T10:01:13+09:00',
      ts: Date.UTC(2025, 11, 1, 1, 1, 13),
      tcnt: 47,
      c: 32.65,
      o: 32.65,
      h: 32.65,
      l: 32.65,
      oi: 0,
      ccnt: 1,
    });
  });

  it('gives the same rows whether the bytes arrive whole or one at a time', async () => {
    const bytes = readFileSync(PUT_TICKS);
    const whole = await readKrxXmlAll(chunksOf(bytes, bytes.length), { srcFile: 'p_TICK_PUT.xml' });
    const dribbled = await readKrxXmlAll(chunksOf(bytes, 1), { srcFile: 'p_TICK_PUT.xml' });
    const odd = await readKrxXmlAll(chunksOf(bytes, 4093), { srcFile: 'p_TICK_PUT.xml' });
    expect(dribbled.ticks).toEqual(whole.ticks);
    expect(odd.ticks).toEqual(whole.ticks);
    expect(dribbled.summary).toEqual(whole.summary);
  });

  it('agrees with the fast-xml-parser reference on every real file', async () => {
    for (const path of [CALL_TICKS, PUT_TICKS, CALL_CODES, PUT_CODES]) {
      const streamed = await read(path);
      const reference = readKrxXmlReference(readFileSync(path, 'utf8'), basename(path));
      expect(streamed.ticks, path).toEqual(reference.ticks);
      expect(streamed.codes, path).toEqual(reference.codes);
      expect(reference.quarantined, path).toEqual([]);
    }
  });
});
