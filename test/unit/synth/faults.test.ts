import { describe, expect, it } from 'vitest';
import { sessionOf } from '../../../src/core/market/krx-calendar.ts';
import { FaultSpecError, formatFaultSpec, parseFaultSpec } from '../../../src/core/synth/fault-spec.ts';
import type { FaultManifest } from '../../../src/core/synth/generate-run.ts';
import { MANIFEST_FILE_NAME } from '../../../src/core/synth/generate-run.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import { expectedRowTag } from './krx-format-check.ts';
import { runInMemory, streamOf, text } from './in-memory-run.ts';

const SPEC =
  'duplicates=0.01,reorder=0.005,bad-price=0.002,off-grid=0.002,outside-session=0.001,time-mismatch=0.001,truncate=1';
// Rates well above the example's so every kind shows up in two days of ~1,700 rows per file.
const DENSE =
  'duplicates=0.02,reorder=0.02,bad-price=0.01,off-grid=0.01,outside-session=0.01,time-mismatch=0.01,truncate=1';

describe('the --faults grammar', () => {
  it('reads the documented example', () => {
    const spec = parseFaultSpec(`${SPEC},encoding=utf-16le`);
    expect(spec.rates).toEqual({
      duplicates: 0.01,
      reorder: 0.005,
      'bad-price': 0.002,
      'off-grid': 0.002,
      'outside-session': 0.001,
      'time-mismatch': 0.001,
    });
    expect(spec.truncate).toBe(1);
    expect(spec.encoding).toBe('utf-16le');
    expect(parseFaultSpec(formatFaultSpec(spec))).toEqual(spec);
    expect(formatFaultSpec(parseFaultSpec(''))).toBe('');
  });

  it.each([
    ['typo=0.1', /unknown fault "typo"/],
    ['duplicates=0.5', /from 0 to 0.2/],
    ['duplicates=abc', /from 0 to 0.2/],
    ['duplicates=0.1,duplicates=0.1', /given twice/],
    ['truncate=yes', /how many tick files/],
    ['encoding=latin1', /one of utf-8, utf-16le, utf-16be, euc-kr/],
    ['duplicates', /KIND=VALUE/],
    ['duplicates=0.2,reorder=0.2,off-grid=0.2', /add up to/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

/** The row elements of a (possibly truncated) file, as text, and their fields. */
function rowsOf(name: string, xml: string): Array<{ text: string; fields: Record<string, string> }> {
  const open = `  <${expectedRowTag(name)}>\n`;
  const body = xml
    .slice(xml.indexOf('<DocumentElement>\n') + '<DocumentElement>\n'.length)
    .replace(/<\/DocumentElement>$/, '');
  return body
    .split(open)
    .slice(1)
    .map((rest) => {
      const rowText = open + rest;
      const fields: Record<string, string> = {};
      for (const m of rowText.matchAll(/<([a-z]+)>([^<]*)<\/\1>/g)) fields[m[1]!] = m[2]!;
      return { text: rowText, fields };
    });
}

function changedFields(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys(b).filter((key) => a[key] !== b[key]);
}

describe('fault injection', () => {
  const clean = runInMemory({ seed: 'faults', start: '2025-12-01', days: 2 }).files;
  const faulted = runInMemory({
    seed: 'faults',
    start: '2025-12-01',
    days: 2,
    faults: parseFaultSpec(DENSE),
  }).files;
  const manifest = JSON.parse(text(faulted.get(MANIFEST_FILE_NAME))) as FaultManifest;

  it('changes exactly the rows the manifest lists, in the way it says, and nothing else', () => {
    const verified: Record<string, number> = {};
    const tickFiles = [...clean.keys()].filter((name) => name.includes('_TICK_'));
    for (const name of tickFiles) {
      const original = rowsOf(name, text(clean.get(name)));
      const written = rowsOf(name, text(faulted.get(name)));
      const faultsAt = new Map(manifest.faults.filter((f) => f.file === name).map((f) => [f.row!, f]));
      const session = sessionOf(`${name.slice(7, 11)}-${name.slice(11, 13)}-${name.slice(13, 15)}`);
      const rebuilt: typeof original = [];
      let truncated = false;
      written.forEach((row, i) => {
        const fault = faultsAt.get(i);
        const cleanRow = original[rebuilt.length];
        if (fault) verified[fault.kind] = (verified[fault.kind] ?? 0) + 1;
        switch (fault?.kind) {
          case undefined:
            rebuilt.push(row);
            break;
          case 'duplicates':
            expect(row.text).toBe(written[i - 1]!.text);
            break;
          case 'reorder': {
            const before = rebuilt.pop()!;
            expect(before.fields.code).toBe(row.fields.code);
            expect(row.fields.itime! < before.fields.itime!).toBe(true);
            rebuilt.push(row, before);
            break;
          }
          case 'bad-price':
          case 'off-grid':
            expect(changedFields(cleanRow!.fields, row.fields)).toEqual(['c']);
            rebuilt.push(cleanRow!);
            break;
          case 'outside-session':
            expect(changedFields(cleanRow!.fields, row.fields)).toEqual(['itime', 'tdate']);
            expect(row.fields.itime! < session.open || row.fields.itime! > session.close).toBe(true);
            rebuilt.push(cleanRow!);
            break;
          case 'time-mismatch':
            expect(changedFields(cleanRow!.fields, row.fields)).toEqual(['idate']);
            rebuilt.push(cleanRow!);
            break;
          case 'truncate':
            expect(i).toBe(written.length - 1);
            expect(cleanRow!.text.startsWith(row.text)).toBe(true);
            expect(row.text.length).toBeLessThan(cleanRow!.text.length);
            truncated = true;
            break;
          default:
            throw new Error(`unexpected fault kind ${String(fault?.kind)}`);
        }
      });
      const expectedRows = truncated ? original.slice(0, rebuilt.length) : original;
      expect(
        rebuilt.map((r) => r.text),
        name,
      ).toEqual(expectedRows.map((r) => r.text));
      expect(truncated, name).toBe(name === tickFiles.at(-1));
      expect(text(faulted.get(name)).endsWith('</DocumentElement>'), name).toBe(!truncated);
    }
    expect(verified).toEqual(manifest.counts);
    for (const kind of [
      'duplicates',
      'reorder',
      'bad-price',
      'off-grid',
      'outside-session',
      'time-mismatch',
      'truncate',
    ]) {
      expect(manifest.counts[kind as keyof typeof manifest.counts], kind).toBeGreaterThan(0);
    }
  });

  it('leaves code files, labels and row counts outside the faults alone', () => {
    for (const [name, bytes] of clean) {
      if (!name.includes('_TICK_'))
        expect(Buffer.compare(Buffer.from(bytes), Buffer.from(faulted.get(name)!)), name).toBe(0);
    }
  });
});

describe('the KRX reader on a faulted run', () => {
  const spec = parseFaultSpec(`${DENSE},encoding=utf-16le`);
  const { files } = runInMemory({ seed: 'faults', start: '2025-12-01', days: 2, faults: spec });
  const manifest = JSON.parse(text(files.get(MANIFEST_FILE_NAME))) as FaultManifest;

  it('quarantines exactly the manifest’s rows with the mapped reasons and accepts every other row', async () => {
    const utf8Faults = runInMemory({
      seed: 'faults',
      start: '2025-12-01',
      days: 2,
      faults: parseFaultSpec(DENSE),
    }).run.manifest();
    // Re-encoding does not move row faults.
    expect(manifest.faults.filter((f) => f.kind !== 'encoding')).toEqual(utf8Faults.faults);

    for (const [name, bytes] of files) {
      if (!name.endsWith('.xml')) continue;
      const result = await readKrxXmlAll(streamOf(bytes), { srcFile: name });
      const expected = manifest.faults
        .filter((f) => f.file === name && f.reason !== null)
        .map((f) => `${f.row}:${f.reason}`)
        .sort();
      const got = result.quarantined.map((q) => `${q.srcRow}:${q.reason}`).sort();
      expect(got, name).toEqual(expected);
      const info = manifest.files[name]!;
      expect(result.summary.rowsRead, name).toBe(info.rows);
      expect(result.summary.accepted, name).toBe(info.rows - expected.length);
      expect(result.summary.reordered, name).toBe(
        manifest.faults.filter((f) => f.file === name && f.kind === 'reorder').length,
      );
      expect(result.summary.truncated, name).toBe(info.truncated);
      expect(result.summary.encoding, name).toMatch(/^utf-16le/);
      expect(
        manifest.faults.some(
          (f) => f.file === name && f.kind === 'encoding' && f.accepted === 'summary.encoding',
        ),
      ).toBe(true);
    }
  });

  it.each(['utf-16be', 'euc-kr'] as const)('reads %s files with every row accepted', async (encoding) => {
    const run = runInMemory({
      seed: 'faults',
      start: '2025-12-01',
      days: 1,
      faults: parseFaultSpec(`encoding=${encoding}`),
    });
    for (const [name, bytes] of run.files) {
      if (!name.endsWith('.xml')) continue;
      const result = await readKrxXmlAll(streamOf(bytes), { srcFile: name });
      expect(result.summary.encoding, name).toMatch(new RegExp(`^${encoding}`));
      expect(result.summary.quarantined, name).toBe(0);
      expect(result.summary.accepted, name).toBe(run.run.manifest().files[name]!.rows);
    }
  });
});
