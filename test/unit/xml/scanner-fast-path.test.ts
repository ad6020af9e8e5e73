/**
 * The scanner's fast path with field patterns: a row whose texts all match KRX's patterns is read by one
 * regular expression and marked `patterned`, and validation then takes its texts from the match without
 * checking them again. Everything else must come out exactly as without patterns, and a patterned row must
 * give the same typed tick as the same row read the slow way.
 */
import { describe, expect, it } from 'vitest';
import { DataSetScanner } from '../../../src/core/xml/dataset-scanner.ts';
import type { ScanEvent, ScannedRow } from '../../../src/core/xml/dataset-scanner.ts';
import { TICK_TEXT_PATTERNS } from '../../../src/core/xml/krx-row-validation.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import { TICK_FIELDS } from '../../../src/core/xml/krx-rows.ts';
import { TICK_FILE, chunksOf, documentXml, realCallRows, utf8, withField } from './fixtures.ts';

const base = realCallRows(8);

function scan(xml: string, scanner: DataSetScanner): ScannedRow[] {
  // In pieces, so rows straddle pushes as they do when streaming.
  const events: ScanEvent[] = [];
  for (let i = 0; i < xml.length; i += 97) events.push(...scanner.push(xml.slice(i, i + 97)));
  events.push(...scanner.end());
  return events.filter((event): event is ScannedRow => event.type === 'row');
}

const view = (row: ScannedRow) => ({
  index: row.index,
  tag: row.tag,
  fields: { ...row.fields },
  order: [...row.order],
  raw: row.raw,
});

describe('scanner fast path with field patterns', () => {
  const rows = [
    base[0]!,
    base[1]!,
    withField(base[2]!, 'c', ` ${base[2]!.c} `), // whitespace around a value: valid, but not the fast path
    base[3]!,
    withField(base[4]!, 'o', '0.6x'), // a text that fails its pattern: the slow path, then quarantine
    // A character reference for the first digit: the slow path resolves it.
    withField(base[5]!, 'h', `&#${base[5]!.h!.charCodeAt(0)};${base[5]!.h!.slice(1)}`),
    base[6]!,
    base[7]!,
  ];
  const xml = documentXml(rows);

  it('reads every row exactly as the scanner without patterns does', () => {
    const plain = scan(xml, new DataSetScanner());
    const patterned = scan(xml, new DataSetScanner({ fieldPatterns: TICK_TEXT_PATTERNS }));
    expect(patterned.map(view)).toEqual(plain.map(view));
    expect(plain.some((row) => row.patterned)).toBe(false);
  });

  it('marks only rows whose every text matched its pattern', () => {
    const patterned = scan(xml, new DataSetScanner({ fieldPatterns: TICK_TEXT_PATTERNS }));
    // Row 0 is read by the general path (it teaches the scanner the row's shape).
    expect(patterned.map((row) => row.patterned === true)).toEqual([
      false,
      true,
      false,
      true,
      false,
      false,
      true,
      true,
    ]);
    for (const row of patterned.filter((r) => r.patterned)) {
      TICK_FIELDS.forEach((name, i) => expect(row.match![i + 1]).toBe(row.fields[name]));
    }
  });

  it('does not mark rows when a field has no pattern', () => {
    const someFields = Object.fromEntries(
      Object.entries(TICK_TEXT_PATTERNS).filter(([name]) => name !== 'ccnt'),
    );
    const rowsRead = scan(xml, new DataSetScanner({ fieldPatterns: someFields }));
    expect(rowsRead.some((row) => row.patterned)).toBe(false);
    expect(rowsRead.filter((row) => row.match !== undefined).length).toBeGreaterThan(0);
  });

  it('gives the same ticks from patterned rows as from the same rows with whitespace (slow path)', async () => {
    const exact = documentXml(base);
    const padded = documentXml(
      base.map((fields) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, `\n ${v} `]))),
    );
    const fast = await readKrxXmlAll(chunksOf(utf8(exact), 997), { srcFile: TICK_FILE });
    const slow = await readKrxXmlAll(chunksOf(utf8(padded), 997), { srcFile: TICK_FILE });
    expect(fast.quarantined).toEqual([]);
    expect(slow.quarantined).toEqual([]);
    expect(fast.ticks).toHaveLength(base.length);
    expect(fast.ticks).toEqual(slow.ticks);
  });

  it('quarantines a row failing its pattern with the same reason as before', async () => {
    const result = await readKrxXmlAll(chunksOf(utf8(xml), 997), { srcFile: TICK_FILE });
    expect(result.quarantined.map((q) => [q.srcRow, q.reason, q.detail])).toEqual([
      [4, 'invalid_value', 'o is not a decimal number'],
    ]);
    expect(result.ticks.map((tick) => tick.srcRow)).toEqual([0, 1, 2, 3, 5, 6, 7]);
    expect(result.ticks[2]!.c).toBe(Number(base[2]!.c));
    expect(result.ticks[4]!.h).toBe(Number(base[5]!.h));
  });
});
