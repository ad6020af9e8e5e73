import { describe, expect, it } from 'vitest';
import { decodeKrxCode } from '../../../src/core/market/krx-code.ts';
import {
  codeValues,
  codeXml,
  rowTagFor,
  tickValues,
  tickXml,
} from '../../../src/core/synth/krx-xml-writer.ts';
import { formatHundredths } from '../../../src/core/synth/premium-grid.ts';
import type { SynthTick } from '../../../src/core/synth/trades.ts';
import { checkKrxFile, expectedRowTag } from './krx-format-check.ts';
import { readReal, runInMemory, text } from './in-memory-run.ts';

const REAL_FILES = [
  ['202601_20251201_TICK_CALL.xml', 1549, 59],
  ['202601_20251201_TICK_PUT.xml', 1798, 105],
  ['202601_20251219_CODE_CALL.xml', 153, 153],
  ['202601_20251219_CODE_PUT.xml', 153, 153],
] as const;

describe('the KRX format checker on the real files', () => {
  it.each(REAL_FILES)('%s obeys every rule (%i rows, %i codes)', (name, rows, codes) => {
    const report = checkKrxFile(name, readReal(name));
    expect(report.violations).toEqual([]);
    expect(report.rows).toHaveLength(rows);
    expect(new Set(report.rows.map((r) => r.code)).size).toBe(codes);
  });

  it('catches each kind of deviation (negative controls on the real call file)', () => {
    const name = '202601_20251201_TICK_CALL.xml';
    const real = readReal(name);
    const cases: Array<[string, string, RegExp]> = [
      ['trailing newline', `${real}\n`, /newline after the closing root/],
      ['CRLF', real.replace(/\n/g, '\r\n'), /CR line endings/],
      [
        'tag with underscore',
        real.replaceAll('_x0032_02601_20251201_TICK_CALL', '_202601_20251201_TICK_CALL'),
        /row opens as/,
      ],
      ['trailing zero', real.replace('<c>32.65</c>', '<c>32.650</c>'), /not written like KRX/],
      ['off grid', real.replace('<c>33.55</c>', '<c>33.57</c>'), /off the tick grid|running high/],
      ['tcnt break', real.replace('<tcnt>46</tcnt>', '<tcnt>45</tcnt>'), /does not follow/],
      [
        'unsorted',
        real.replace('<itime>101638</itime>', '<itime>095900</itime>').replace('T10:16:38', 'T09:59:00'),
        /not sorted/,
      ],
      ['3-space field', real.replace('    <oi>0</oi>', '   <oi>0</oi>'), /expected field <oi>/],
      [
        'outside session',
        real.replace('<itime>100113</itime>', '<itime>080113</itime>').replace('T10:01:13', 'T08:01:13'),
        /outside the session/,
      ],
    ];
    for (const [label, mutated, expected] of cases) {
      const violations = checkKrxFile(name, mutated).violations;
      expect(violations.join('\n'), label).toMatch(expected);
    }
  });

  it('the code-file quirk: no underscore before CODE in the row tag', () => {
    expect(expectedRowTag('202601_20251219_CODE_CALL.xml')).toBe('_x0032_02601_20251219CODE_CALL');
    expect(readReal('202601_20251219_CODE_CALL.xml')).toContain('<_x0032_02601_20251219CODE_CALL>');
  });
});

describe('the XML writer', () => {
  it('names rows like .NET: _x0032_ for the leading digit, the CODE quirk', () => {
    expect(rowTagFor('202601_20251201_TICK_CALL.xml')).toBe('_x0032_02601_20251201_TICK_CALL');
    expect(rowTagFor('202601_20251219_CODE_PUT.xml')).toBe('_x0032_02601_20251219CODE_PUT');
  });

  it('formats prices without trailing zeros', () => {
    expect([2900, 2950, 2905, 47, 1, 1000, 100].map(formatHundredths)).toEqual([
      '29',
      '29.5',
      '29.05',
      '0.47',
      '0.01',
      '10',
      '1',
    ]);
  });

  it.each(REAL_FILES.slice(0, 2))('rewrites the real %s byte for byte from its parsed rows', (name) => {
    const real = readReal(name);
    const ticks: SynthTick[] = checkKrxFile(name, real).rows.map((row) => ({
      code: row.code!,
      strike: decodeKrxCode(row.code!, 2026).strike!,
      second:
        Number(row.itime!.slice(0, 2)) * 3600 +
        Number(row.itime!.slice(2, 4)) * 60 +
        Number(row.itime!.slice(4, 6)),
      tcnt: Number(row.tcnt),
      c: Math.round(Number(row.c) * 100),
      o: Math.round(Number(row.o) * 100),
      h: Math.round(Number(row.h) * 100),
      l: Math.round(Number(row.l) * 100),
      ccnt: Number(row.ccnt),
    }));
    const written = [
      ...tickXml(
        name,
        ticks.map((t) => tickValues(t, '202601', '20251201', '2025-12-01')),
      ),
    ].join('');
    expect(written.length).toBe(real.length);
    expect(written === real).toBe(true);
  });

  it.each(REAL_FILES.slice(2))('rewrites the real %s byte for byte', (name) => {
    const real = readReal(name);
    const rows = checkKrxFile(name, real).rows.map((row) =>
      codeValues(row.ymcode!, row.code!, decodeKrxCode(row.code!, 2026).strike!),
    );
    expect([...codeXml(name, rows)].join('') === real).toBe(true);
  });

  it('writes an empty file as a self-closing root', () => {
    expect([...tickXml('202601_20251201_TICK_CALL.xml', [])].join('')).toBe(
      '<?xml version="1.0" standalone="yes"?>\n<DocumentElement />',
    );
  });
});

describe('generated files', () => {
  // 2025-12-10 and 11: the December expiry (15:20 close on the 11th), then the roll to January.
  const { files } = runInMemory({ seed: 'format', start: '2025-12-10', days: 3 });

  it('write the expected files per trading day', () => {
    expect([...files.keys()]).toEqual([
      '202512_20251210_CODE_CALL.xml',
      '202512_20251210_CODE_PUT.xml',
      '202512_20251210_TICK_CALL.xml',
      '202512_20251210_TICK_PUT.xml',
      'labels_20251210.csv',
      '202512_20251211_CODE_CALL.xml',
      '202512_20251211_CODE_PUT.xml',
      '202512_20251211_TICK_CALL.xml',
      '202512_20251211_TICK_PUT.xml',
      'labels_20251211.csv',
      '202601_20251212_CODE_CALL.xml',
      '202601_20251212_CODE_PUT.xml',
      '202601_20251212_TICK_CALL.xml',
      '202601_20251212_TICK_PUT.xml',
      'labels_20251212.csv',
    ]);
  });

  it('pass the same checker as the real files', () => {
    const xml = [...files.keys()].filter((name) => name.endsWith('.xml'));
    for (const name of xml) {
      const report = checkKrxFile(name, text(files.get(name)));
      expect(report.violations, name).toEqual([]);
      if (report.kind === 'code') expect(report.rows, name).toHaveLength(153);
      else expect(report.rows.length, name).toBeGreaterThan(1000);
    }
  });

  it('end at 15:20 on the expiry day and at 15:45 otherwise', () => {
    const lastTime = (name: string) =>
      checkKrxFile(name, text(files.get(name)))
        .rows.map((r) => r.itime!)
        .sort()
        .at(-1)!;
    expect(lastTime('202512_20251211_TICK_PUT.xml') <= '152000').toBe(true);
    expect(lastTime('202512_20251211_TICK_PUT.xml') > '150000').toBe(true);
    expect(lastTime('202601_20251212_TICK_PUT.xml') > '152000').toBe(true);
  });
});
