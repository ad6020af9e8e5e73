/**
 * The reference path for the streaming scanner: fast-xml-parser reads a whole (well-formed) document and
 * its rows go through the same validation as the scanner's. Tests and benchmarks run both and compare;
 * production uses the scanner, which streams and survives malformed input.
 */
import { XMLParser } from 'fast-xml-parser';
import type { ScannedRow } from './dataset-scanner.ts';
import { KrxRowReader } from './krx-xml-reader.ts';
import type { ReadBatch, ReadSummary } from './krx-rows.ts';

type OrderedNode = Record<string, unknown> & { ':@'?: unknown };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // Needed for character references (&#49;); the named HTML entities it also enables never occur in
  // the documents compared (the scanner refuses them, and those cases are not compared).
  htmlEntities: true,
  cdataPropName: false,
});

/** Rows of a DataSet document as fast-xml-parser sees them (throws on malformed XML). */
export function referenceRows(xml: string): Array<Pick<ScannedRow, 'index' | 'tag' | 'fields' | 'order'>> {
  const nodes = parser.parse(xml) as OrderedNode[];
  const root = nodes.find((node) => Object.keys(node).some((key) => !key.startsWith('#') && key !== ':@'));
  if (!root) return [];
  const rootName = Object.keys(root).find((key) => key !== ':@')!;
  const children = (root[rootName] as OrderedNode[]).filter((node) => !('#text' in node));
  return children.map((child, index) => {
    const tag = Object.keys(child).find((key) => key !== ':@')!;
    const fields: Record<string, string> = {};
    const order: string[] = [];
    for (const field of (child[tag] as OrderedNode[]).filter((node) => !('#text' in node))) {
      const name = Object.keys(field).find((key) => key !== ':@')!;
      const text = (field[name] as OrderedNode[]).map((part) => String(part['#text'] ?? '')).join('');
      if (!(name in fields)) fields[name] = text;
      order.push(name);
    }
    return { index, tag, fields, order };
  });
}

/** Reads a whole document through fast-xml-parser and the reader's validation (no positions: offsets are 0). */
export function readKrxXmlReference(xml: string, srcFile: string): ReadBatch & { summary: ReadSummary } {
  const reader = new KrxRowReader(srcFile);
  const events: ScannedRow[] = referenceRows(xml).map((row) => ({
    type: 'row',
    ...row,
    raw: Object.values(row.fields).join('\n'),
    start: -1, // no positions on this path
  }));
  const batch = reader.accept(events);
  reader.scanner.push(xml); // lets the summary know whether the root closed
  return { ...batch, summary: reader.summary('reference') };
}
