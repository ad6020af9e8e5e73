/**
 * Pathological text: size caps and linear work. A construct beyond a cap (row, tag with its attributes,
 * comment, DOCTYPE, text outside rows) refuses the whole file with an `XmlLimitExceededError` naming the
 * cap, whatever the chunking; below the caps the rows read are exactly those of the reference reader. The
 * scanner's work (characters it starts scans from) stays linear in the input on megabytes of text with no
 * '<', an unterminated comment or a row that never closes. Counted, never timed: throughput is in
 * `npm run bench -- xml`.
 */
import { describe, expect, it } from 'vitest';
import { DataSetScanner } from '../../../src/core/xml/dataset-scanner.ts';
import type { XmlLimits } from '../../../src/core/xml/dataset-scanner.ts';
import { XmlLimitExceededError, readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import { readKrxXmlReference } from '../../../src/core/xml/reference-rows.ts';
import {
  TICK_FILE,
  TICK_TAG,
  chunksOf,
  documentXml,
  realCallRows,
  rowXml,
  utf8,
  withField,
} from './fixtures.ts';

const base = realCallRows(4);
const key = (f: { code?: string; tcnt?: string | number }) => `${f.code}#${f.tcnt}`;
const CAP = 4096;
const small: Partial<XmlLimits> = {
  maxRowChars: CAP,
  maxTagChars: CAP,
  maxCommentChars: CAP,
  maxDoctypeChars: CAP,
  maxTextChars: CAP,
};
const HEAD = '<?xml version="1.0" standalone="yes"?>\n<DocumentElement>\n';
const rows = base.map((row) => rowXml(row)).join('\n');

/** Documents with one construct of about `size` characters, each governed by the named cap. */
const shapes: Array<{ limit: keyof XmlLimits; make: (size: number) => string }> = [
  {
    limit: 'maxRowChars',
    make: (n) => `${HEAD}${rowXml(withField(base[0]!, 'c', '9'.repeat(n)))}\n${rows}\n</DocumentElement>`,
  },
  {
    limit: 'maxRowChars',
    make: (n) => `${HEAD}<${TICK_TAG}>\n<c>${'9'.repeat(n)}\n${rows}\n</DocumentElement>`,
  },
  {
    limit: 'maxTagChars',
    make: (n) => `${HEAD}<${TICK_TAG} note="${'a'.repeat(n)}">\n</${TICK_TAG}>\n${rows}\n</DocumentElement>`,
  },
  {
    limit: 'maxTagChars',
    make: (n) => `<?xml version="1.0"?>\n<DocumentElement a="${'a'.repeat(n)}">\n${rows}\n</DocumentElement>`,
  },
  { limit: 'maxCommentChars', make: (n) => `${HEAD}<!--${'x'.repeat(n)}-->\n${rows}\n</DocumentElement>` },
  { limit: 'maxCommentChars', make: (n) => `${HEAD}<?pi ${'x'.repeat(n)}?>\n${rows}\n</DocumentElement>` },
  {
    limit: 'maxDoctypeChars',
    make: (n) => `<!DOCTYPE d [<!-- ${'x'.repeat(n)} -->]>\n<DocumentElement>\n${rows}\n</DocumentElement>`,
  },
  { limit: 'maxTextChars', make: (n) => `${'x'.repeat(n)}${HEAD}${rows}\n</DocumentElement>` },
  { limit: 'maxTextChars', make: (n) => `${HEAD}${rows}\n${'x'.repeat(n)}\n${rows}\n</DocumentElement>` },
];

async function read(text: string, chunk: number, limits: Partial<XmlLimits> = small) {
  return readKrxXmlAll(chunksOf(utf8(text), chunk), { srcFile: TICK_FILE, limits });
}

describe('size caps', () => {
  for (const [i, shape] of shapes.entries()) {
    it(`refuses the file past ${shape.limit} (shape ${i}), whatever the chunking`, async () => {
      const text = shape.make(CAP + 100);
      for (const chunk of [7, 1000, 65536, text.length]) {
        const error = await read(text, chunk).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `chunk ${chunk}`).toBeInstanceOf(XmlLimitExceededError);
        expect(error).toMatchObject({ name: 'XmlLimitExceededError', limit: shape.limit, maxChars: CAP });
        expect((error as Error).message).toContain(`${shape.limit} = ${CAP}`);
      }
    });

    it(`reads the same rows as before just under ${shape.limit} (shape ${i})`, async () => {
      const text = shape.make(CAP - 400);
      const defaults = await read(text, 65536, {});
      for (const chunk of [7, 1000, text.length]) {
        const capped = await read(text, chunk);
        expect(capped.ticks.map(key)).toEqual(defaults.ticks.map(key));
        expect(capped.quarantined.map((q) => [q.reason, q.srcRow, q.byteOffset, q.line])).toEqual(
          defaults.quarantined.map((q) => [q.reason, q.srcRow, q.byteOffset, q.line]),
        );
      }
    });
  }

  it('below the caps a well-formed file reads exactly as the reference reader', async () => {
    const text = documentXml(base).replace(
      '<DocumentElement>',
      `<DocumentElement>\n<!--${'n'.repeat(3000)}-->`,
    );
    const read1 = await read(text, 64);
    const reference = readKrxXmlReference(text, TICK_FILE);
    expect(read1.ticks.map(key)).toEqual(reference.ticks.map(key));
    expect(read1.ticks).toHaveLength(base.length);
    expect(read1.quarantined).toEqual([]);
  });

  it('refuses, with the default 1 MiB cap, a row that never ends (memory stays bounded)', async () => {
    const endless = `  <${TICK_TAG}>\n    <c>${'9'.repeat(3 * 1024 * 1024)}`;
    const bytes = utf8(documentXml([base[0]!, endless, ...base.slice(1)]));
    await expect(readKrxXmlAll(chunksOf(bytes, 65536), { srcFile: TICK_FILE })).rejects.toMatchObject({
      name: 'XmlLimitExceededError',
      limit: 'maxRowChars',
      maxChars: 1024 * 1024,
      line: 18,
    });
  });
});

describe('linear work on pathological text', () => {
  const SIZE = 8 * 1024 * 1024;
  const PUSH = 4096;
  const unlimited: Partial<XmlLimits> = {
    maxRowChars: Infinity,
    maxTagChars: Infinity,
    maxCommentChars: Infinity,
    maxDoctypeChars: Infinity,
    maxTextChars: Infinity,
  };
  const cases: Array<[string, string, string, string]> = [
    ['text with no <', '', 'x', ''],
    ['an 8 MiB comment', `${HEAD}<!--`, 'x', `-->\n${rows}\n</DocumentElement>`],
    ['a row that never closes', `${HEAD}<${TICK_TAG}>\n<c>`, '9', `\n</DocumentElement>`],
    [
      'a start tag with an 8 MiB attribute',
      `${HEAD}<${TICK_TAG} a="`,
      'a',
      `">\n</${TICK_TAG}>\n</DocumentElement>`,
    ],
  ];
  for (const [name, head, fill, tail] of cases) {
    it(`scans ${name} in work proportional to its length (caps lifted)`, () => {
      const scanner = new DataSetScanner({ limits: unlimited });
      const piece = fill.repeat(PUSH);
      let events = scanner.push(head).length;
      for (let sent = 0; sent < SIZE; sent += PUSH) events += scanner.push(piece).length;
      events += scanner.push(tail).length + scanner.end().length;
      const input = head.length + SIZE + tail.length;
      expect(events).toBeGreaterThan(0);
      // Rescanning the pending text on every push would be about SIZE² / (2 · PUSH) = 8,600 × SIZE.
      expect(scanner.workChars).toBeLessThan(4 * input);
    }, 60_000);
  }
});
