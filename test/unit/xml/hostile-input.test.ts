/**
 * Hostile and broken inputs, built here from real rows. Every case must end in accepted rows plus
 * quarantine records with the right reason: no crash, and no valid row lost. Well-formed cases are also
 * read by the fast-xml-parser reference path, which must agree.
 */
import { describe, expect, it } from 'vitest';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { QuarantineReason } from '../../../src/core/xml/krx-rows.ts';
import { readKrxXmlReference } from '../../../src/core/xml/reference-rows.ts';
import type { Fields } from './fixtures.ts';
import {
  TICK_FILE,
  TICK_TAG,
  chunksOf,
  documentXml,
  realCallRows,
  rowXml,
  utf8,
  withField,
  withoutField,
} from './fixtures.ts';

const base = realCallRows(6); // six real ticks of B0161530, in file order
const valid = (i: number) => base[i]!;
const key = (f: { code?: string; tcnt?: string | number }) => `${f.code}#${f.tcnt}`;

interface Case {
  name: string;
  bytes: Uint8Array;
  /** Keys (code#tcnt) of the real rows that must come out accepted. */
  accepted: string[];
  /** Reasons of the quarantine records, in order (or a check in `check` when the count is not the point). */
  quarantined: QuarantineReason[] | 'see check';
  /** Well-formed XML: the fast-xml-parser reference must produce the same rows and reasons. */
  wellFormed?: boolean;
  check?: (result: Awaited<ReturnType<typeof readKrxXmlAll>>) => void;
}

const keysOf = (rows: Fields[]) => rows.map(key);
const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
const doc = (rows: Array<Fields | string>, options?: Parameters<typeof documentXml>[1]) =>
  utf8(documentXml(rows, options));

const cases: Case[] = [
  {
    name: 'UTF-8 with a BOM',
    bytes: new Uint8Array([0xef, 0xbb, 0xbf, ...doc(base)]),
    accepted: keysOf(base),
    quarantined: [],
    check: (r) => expect(r.summary.encoding).toBe('utf-8 (bom)'),
  },
  {
    name: 'UTF-16 LE with a BOM',
    bytes: utf16(documentXml(base), 'le'),
    accepted: keysOf(base),
    quarantined: [],
    check: (r) => expect(r.summary.encoding).toBe('utf-16le (bom)'),
  },
  {
    name: 'UTF-16 BE with a BOM',
    bytes: utf16(documentXml(base), 'be'),
    accepted: keysOf(base),
    quarantined: [],
    check: (r) => expect(r.summary.encoding).toBe('utf-16be (bom)'),
  },
  {
    name: 'EUC-KR declared, with a Korean extra field kept as an extra',
    bytes: eucKr(
      documentXml([withField(valid(0), 'memo', '콜옵션'), ...base.slice(1)], {
        declaration: '<?xml version="1.0" encoding="euc-kr" standalone="yes"?>',
      }),
    ),
    accepted: keysOf(base),
    quarantined: [],
    check: (r) => {
      expect(r.summary.encoding).toBe('euc-kr (declaration)');
      expect(r.ticks[0]!.extras).toEqual({ memo: '콜옵션' });
      expect(r.summary.warnings).toEqual(['unknown fields kept as extras: memo (1 row)']);
    },
  },
  {
    name: 'an invalid UTF-8 byte inside one row',
    bytes: (() => {
      const bytes = doc([valid(0), withField(valid(1), 'ccnt', 'Z'), ...base.slice(2)]);
      bytes[bytes.indexOf(0x5a /* Z */)] = 0xff;
      return bytes;
    })(),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['encoding_error'],
  },
  {
    name: 'billion laughs: a DOCTYPE with nested entities, used in a field',
    bytes: doc([valid(0), withField(valid(1), 'ccnt', '&lol9;'), ...base.slice(2)], {
      doctype: billionLaughs(),
    }),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['doctype_not_allowed', 'entity_not_allowed'],
  },
  {
    name: 'an external entity (XXE) is never resolved',
    bytes: doc([withField(valid(0), 'code', '&xxe;'), ...base.slice(1)], {
      doctype: '<!DOCTYPE DocumentElement [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    }),
    accepted: keysOf(base.slice(1)),
    quarantined: ['doctype_not_allowed', 'entity_not_allowed'],
  },
  {
    name: 'a file cut in the middle of a row',
    bytes: (() => {
      const text = documentXml(base);
      return utf8(text.slice(0, text.indexOf('<tdate>', text.indexOf(`<tcnt>${valid(4).tcnt}<`) - 200)));
    })(),
    accepted: keysOf(base.slice(0, 4)),
    quarantined: ['truncated'],
    check: (r) => expect(r.summary.truncated).toBe(true),
  },
  {
    name: 'a file cut after a complete row (no closing root)',
    bytes: doc(base, { close: false }),
    accepted: keysOf(base),
    quarantined: ['truncated'],
    check: (r) => expect(r.summary.truncated).toBe(true),
  },
  {
    name: 'a missing field',
    bytes: doc([valid(0), withoutField(valid(1), 'c'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['missing_field'],
    wellFormed: true,
    check: (r) => expect(r.quarantined[0]!.detail).toBe('missing c'),
  },
  {
    name: 'fields in another order',
    bytes: utf8(
      documentXml([
        rowXml(valid(0), TICK_TAG, [
          'ccnt',
          'c',
          'code',
          'ymcode',
          'strike',
          'idate',
          'itime',
          'tdate',
          'tcnt',
          'o',
          'h',
          'l',
          'oi',
        ]),
        ...base.slice(1),
      ]),
    ),
    accepted: keysOf(base),
    quarantined: [],
    wellFormed: true,
    check: (r) => expect(r.summary.warnings).toEqual(['fields in an order other than KRX’s (1 row)']),
  },
  {
    name: 'a field given twice',
    bytes: utf8(documentXml([rowXml(valid(0), TICK_TAG, [...Object.keys(valid(0)), 'c']), ...base.slice(1)])),
    accepted: keysOf(base.slice(1)),
    quarantined: ['duplicate_field'],
    wellFormed: true,
  },
  {
    name: 'a non-numeric price',
    bytes: doc([valid(0), withField(valid(1), 'c', '33.5O'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['invalid_value'],
    wellFormed: true,
    check: (r) => expect(r.quarantined[0]!.detail).toBe('c is not a decimal number'),
  },
  {
    name: 'a negative and a zero price',
    bytes: doc([withField(valid(0), 'l', '-1.5'), withField(valid(1), 'c', '0'), ...base.slice(2)]),
    accepted: keysOf(base.slice(2)),
    quarantined: ['non_positive_price', 'non_positive_price'],
    wellFormed: true,
  },
  {
    name: 'an absurd price',
    bytes: doc([valid(0), withField(withField(valid(1), 'c', '99999'), 'h', '99999'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['absurd_price'],
    wellFormed: true,
  },
  {
    name: 'an open interest and a trade size beyond what the lake can store',
    bytes: doc([
      valid(0),
      withField(valid(1), 'oi', '90071992547409930'),
      withField(valid(2), 'ccnt', '2147483648'),
      ...base.slice(3),
    ]),
    accepted: keysOf([valid(0), ...base.slice(3)]),
    quarantined: ['invalid_value', 'invalid_value'],
    wellFormed: true,
    check: (r) =>
      expect(r.quarantined.map((q) => q.detail)).toStrictEqual([
        'oi 90071992547409930 is beyond any open interest',
        'ccnt 2147483648 is beyond any trade size',
      ]),
  },
  {
    name: 'a price off the tick grid (0.05 at or above 10 points)',
    bytes: doc([valid(0), withField(valid(1), 'c', '33.53'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['off_tick_grid'],
    wellFormed: true,
  },
  {
    name: 'open/high/low that contradict the trade price',
    bytes: doc([valid(0), withField(valid(1), 'h', '30'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['ohl_inconsistent'],
    wellFormed: true,
  },
  {
    name: 'a trade outside the session, and one on a Saturday',
    bytes: doc([
      withField(withField(valid(0), 'itime', '070000'), 'tdate', '2025-12-01T07:00:00+09:00'),
      withField(
        withField(valid(1), 'idate', '20251206'),
        'tdate',
        `2025-12-06T${hms(valid(1).itime!)}+09:00`,
      ),
      ...base.slice(2),
    ]),
    accepted: keysOf(base.slice(2)),
    quarantined: ['outside_session', 'outside_session'],
    wellFormed: true,
  },
  {
    name: 'tdate disagreeing with idate/itime',
    bytes: doc([valid(0), withField(valid(1), 'tdate', '2025-12-01T11:00:00+09:00'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['time_mismatch'],
    wellFormed: true,
  },
  {
    name: 'an impossible date',
    bytes: doc([
      valid(0),
      withField(withField(valid(1), 'idate', '20250230'), 'tdate', '2025-02-30T10:16:38+09:00'),
      ...base.slice(2),
    ]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['invalid_value'],
    wellFormed: true,
  },
  {
    name: 'an exact duplicate tick',
    bytes: doc([valid(0), valid(1), valid(1), ...base.slice(2)]),
    accepted: keysOf(base),
    quarantined: ['duplicate_tick'],
    wellFormed: true,
  },
  {
    name: 'a conflicting tick: same number and time, another price',
    bytes: doc([valid(0), valid(1), withField(valid(1), 'ccnt', '9'), ...base.slice(2)]),
    accepted: keysOf(base),
    quarantined: ['conflicting_tick'],
    wellFormed: true,
  },
  {
    name: 'rows out of order (a valid tick arriving late is accepted and counted)',
    bytes: doc([valid(0), valid(2), valid(1), ...base.slice(3)]),
    accepted: keysOf([valid(0), valid(2), valid(1), ...base.slice(3)]),
    quarantined: [],
    wellFormed: true,
    check: (r) => expect(r.summary.reordered).toBe(1),
  },
  {
    name: 'a time reversal: the next tick by count, stamped before its predecessor',
    bytes: doc([
      valid(0),
      valid(1),
      withField(withField(valid(2), 'itime', '090000'), 'tdate', '2025-12-01T09:00:00+09:00'),
      ...base.slice(3),
    ]),
    accepted: keysOf([valid(0), valid(1), ...base.slice(3)]),
    quarantined: ['time_reversal'],
    wellFormed: true,
  },
  {
    name: 'a put in the CALL file',
    bytes: doc([valid(0), withField(valid(1), 'code', 'C0161530'), ...base.slice(2)]),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['side_mismatch'],
    wellFormed: true,
  },
  {
    name: 'ymcode and strike that contradict the code',
    bytes: doc([
      withField(valid(0), 'ymcode', '202602'),
      withField(valid(1), 'strike', '535'),
      ...base.slice(2),
    ]),
    accepted: keysOf(base.slice(2)),
    quarantined: ['contract_mismatch', 'contract_mismatch'],
    wellFormed: true,
  },
  {
    name: 'a field closed by the wrong tag',
    bytes: utf8(documentXml([valid(0), rowXml(valid(1)).replace('</c>', '</cc>'), ...base.slice(2)])),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['malformed_xml'],
    check: (r) => expect(r.quarantined[0]!.detail).toMatch(/^<c> is closed by <\/cc> instead of <\/c> \(/),
  },
  {
    name: 'a row that never closes, followed by the next row',
    bytes: utf8(documentXml([valid(0), rowXml(valid(1)).replace(`</${TICK_TAG}>`, ''), ...base.slice(2)])),
    accepted: keysOf([valid(0), ...base.slice(2)]),
    quarantined: ['malformed_xml'],
  },
  {
    name: 'stray text between rows',
    bytes: utf8(documentXml([valid(0), 'garbage text here', ...base.slice(1)])),
    accepted: keysOf(base),
    quarantined: ['malformed_xml'],
  },
  {
    name: 'an empty file',
    bytes: new Uint8Array(0),
    accepted: [],
    quarantined: ['truncated'],
  },
  {
    name: 'binary garbage',
    bytes: garbage,
    accepted: [],
    quarantined: 'see check',
    check: (r) => {
      expect(r.summary.accepted).toBe(0);
      expect(r.quarantined.length).toBeGreaterThan(0);
      expect(new Set(r.quarantined.map((q) => q.reason))).toEqual(new Set(['malformed_xml', 'truncated']));
      // Everything but whitespace between records is in some record's raw text: nothing dropped.
      const text = new TextDecoder().decode(garbage);
      const kept = r.quarantined.reduce((n, q) => n + q.raw.replace(/\s/g, '').length, 0);
      expect(kept).toBe(text.replace(/\s/g, '').length);
    },
  },
  {
    name: 'character references and CDATA are read as text',
    bytes: utf8(
      documentXml([
        withField(valid(0), 'ccnt', '&#49;'),
        withField(valid(1), 'c', '<![CDATA[33.55]]>'),
        ...base.slice(2),
      ]),
    ),
    accepted: keysOf(base),
    quarantined: [],
    wellFormed: true,
  },
  {
    name: 'a row with unknown fields only',
    bytes: utf8(documentXml([rowXml({ foo: '1', bar: '2' }, 'Mystery'), ...base])),
    accepted: keysOf(base),
    quarantined: ['missing_field'],
    wellFormed: true,
  },
];

describe('hostile and broken KRX XML', () => {
  it(`has at least 20 distinct cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const result = await readKrxXmlAll(chunksOf(testCase.bytes, 997), { srcFile: TICK_FILE });
      expect(result.ticks.map((t) => key(t))).toEqual(testCase.accepted);
      if (testCase.quarantined !== 'see check')
        expect(result.quarantined.map((q) => q.reason)).toEqual(testCase.quarantined);
      expect(result.summary.accepted + result.quarantined.filter((q) => q.srcRow !== null).length).toBe(
        result.summary.rowsRead,
      );
      for (const record of result.quarantined) {
        expect(record.detail.length).toBeGreaterThan(5);
        expect(record.srcFile).toBe(TICK_FILE);
        expect(record.line).toBeGreaterThanOrEqual(1);
      }
      testCase.check?.(result);
      if (testCase.wellFormed) {
        const reference = readKrxXmlReference(new TextDecoder().decode(testCase.bytes), TICK_FILE);
        expect(reference.ticks).toEqual(result.ticks);
        expect(reference.quarantined.map((q) => [q.srcRow, q.reason])).toEqual(
          result.quarantined.map((q) => [q.srcRow, q.reason]),
        );
      }
    });
  }

  it('rejects billion laughs without expanding anything', async () => {
    const bytes = doc([withField(valid(0), 'ccnt', '&lol9;')], { doctype: billionLaughs() });
    const result = await readKrxXmlAll(chunksOf(bytes, 65536), { srcFile: TICK_FILE });
    expect(result.quarantined.map((q) => q.reason)).toEqual(['doctype_not_allowed', 'entity_not_allowed']);
    // The row is kept as it was received: the reference itself, not its 10^9 expansion.
    const row = result.quarantined[1]!;
    expect(row.raw).toContain('<ccnt>&lol9;</ccnt>');
    expect(row.raw.length).toBeLessThan(1024);
    expect(result.summary.bytesRead).toBe(bytes.length);
  });

  it('records where each quarantined row is: row index, byte offset and line', async () => {
    const text = documentXml([valid(0), withField(valid(1), 'c', 'x'), valid(2)]);
    const result = await readKrxXmlAll(chunksOf(utf8(text), 64), { srcFile: TICK_FILE });
    const record = result.quarantined[0]!;
    const offset = text.indexOf(`<${TICK_TAG}>`, text.indexOf(`<${TICK_TAG}>`) + 1);
    expect(record).toMatchObject({
      srcRow: 1,
      byteOffset: offset,
      line: text.slice(0, offset).split('\n').length,
    });
    expect(record.raw.startsWith(`<${TICK_TAG}>`)).toBe(true);
    expect(record.raw.endsWith(`</${TICK_TAG}>`)).toBe(true);
  });
});

function billionLaughs(): string {
  const lines = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lines.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  return `<!DOCTYPE DocumentElement [\n${lines.join('\n')}\n]>`;
}

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out.set(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[2 + i * 2 + (endian === 'le' ? 0 : 1)] = code & 0xff;
    out[2 + i * 2 + (endian === 'le' ? 1 : 0)] = code >> 8;
  }
  return out;
}

/** EUC-KR bytes: ASCII as is, Hangul from a tiny table (TextEncoder cannot encode EUC-KR). */
function eucKr(text: string): Uint8Array {
  const table: Record<string, number[]> = { 콜: [0xc4, 0xdd], 옵: [0xbf, 0xc9], 션: [0xbc, 0xc7] };
  const bytes: number[] = [];
  for (const char of text) bytes.push(...(table[char] ?? [char.charCodeAt(0)]));
  return Uint8Array.from(bytes);
}

function hms(itime: string): string {
  return `${itime.slice(0, 2)}:${itime.slice(2, 4)}:${itime.slice(4, 6)}`;
}
