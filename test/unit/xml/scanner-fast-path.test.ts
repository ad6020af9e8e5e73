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
import { readKrxXmlReference } from '../../../src/core/xml/reference-rows.ts';
import { TICK_FIELDS } from '../../../src/core/xml/krx-rows.ts';
import type { Fields } from './fixtures.ts';
import { TICK_FILE, chunksOf, documentXml, realCallRows, rowXml, utf8, withField } from './fixtures.ts';

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

describe('fast path against the fast-xml-parser reference, on rows with random changes', () => {
  /** Ways a field's text can differ from KRX's: some still valid, most not. */
  const changes: Array<(text: string) => string> = [
    (t) => ` ${t}`,
    (t) => `${t}\n   `,
    () => '',
    (t) => `+${t}`,
    (t) => `-${t}`,
    (t) => `${t}.`,
    (t) => `${t}.5`,
    (t) => `.${t}`,
    (t) => `${t}0`,
    (t) => `0${t}`,
    (t) => t.slice(1),
    (t) => `${t}x`,
    (t) => t.replace(/\d/, '١'), // an Arabic-Indic digit: not \d without the u flag
    (t) => t.replace(/\d/, '１'), // a full-width digit
    (t) => (t === '' ? t : `&#${t.charCodeAt(0)};${t.slice(1)}`),
    (t) => `${t}&amp;`,
    () => '1e3',
    () => '0x10',
    () => 'Infinity',
    (t) => t.replace('+09:00', 'Z'),
    (t) => t.replace('+09:00', '.250+09:00'),
    (t) => t.replace('T', 't'),
  ];

  it('accepts and quarantines the same rows, with the same ticks and reasons', async () => {
    let seed = 20251201;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const rows = realCallRows(400);
    const changed = rows.map((fields, i) => {
      if (i % 3 === 0) return fields; // a third untouched, so the fast path keeps being taken
      const copy = { ...fields };
      for (let k = random() < 0.5 ? 1 : 2; k > 0; k--) {
        const name = TICK_FIELDS[Math.floor(random() * TICK_FIELDS.length)]!;
        copy[name] = changes[Math.floor(random() * changes.length)]!(copy[name]!);
      }
      return copy;
    });
    const xml = documentXml(changed);
    const scanned = scan(xml, new DataSetScanner({ fieldPatterns: TICK_TEXT_PATTERNS }));
    const fast = await readKrxXmlAll(chunksOf(utf8(xml), 4093), { srcFile: TICK_FILE });
    const reference = readKrxXmlReference(xml, TICK_FILE);
    expect(fast.ticks).toEqual(reference.ticks);
    expect(fast.quarantined.map((q) => [q.srcRow, q.reason, q.detail])).toEqual(
      reference.quarantined.map((q) => [q.srcRow, q.reason, q.detail]),
    );
    // Both paths were exercised, and both outcomes.
    expect(scanned.filter((row) => row.patterned).length).toBeGreaterThan(100);
    expect(scanned.filter((row) => !row.patterned).length).toBeGreaterThan(100);
    expect(fast.ticks.length).toBeGreaterThan(150);
    expect(fast.quarantined.length).toBeGreaterThan(100);
  });
});

describe('whitespace between fields', () => {
  it('takes only XML whitespace on both paths: a row with U+00A0, U+3000, U+FEFF or \\v between fields is malformed wherever it is', async () => {
    const oddSpaces = ['\u00A0', '\u3000', '\uFEFF', '\v'];
    const rows: Array<Fields | string> = [base[0]!];
    const odd: number[] = [];
    oddSpaces.forEach((space, i) => {
      const fields = base[1 + i]!;
      // Once with texts the patterns match (the fast path's candidates), once padded (the general path's).
      for (const padded of [false, true]) {
        const texts = padded
          ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, ` ${v} `]))
          : fields;
        odd.push(rows.length);
        rows.push(rowXml(texts).replace('<code>', `${space}<code>`));
      }
    });
    rows.push(base[6]!, base[7]!);
    const xml = documentXml(rows);
    for (const fieldPatterns of [undefined, TICK_TEXT_PATTERNS]) {
      const scanned = scan(xml, new DataSetScanner({ fieldPatterns }));
      expect(scanned.map((row) => row.index)).toEqual([0, rows.length - 2, rows.length - 1]);
    }
    const result = await readKrxXmlAll(chunksOf(utf8(xml), 997), { srcFile: TICK_FILE });
    expect(result.quarantined.map((q) => [q.srcRow, q.reason])).toEqual(
      odd.map((index) => [index, 'malformed_xml']),
    );
    expect(result.ticks.map((tick) => tick.srcRow)).toEqual([0, rows.length - 2, rows.length - 1]);
  });
});
