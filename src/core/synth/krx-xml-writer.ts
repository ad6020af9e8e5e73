/**
 * Writes KRX DataSet XML exactly as the real files look (checked byte for byte against them in the
 * tests): the declaration, `<DocumentElement>`, one element per row named after the file, fields two
 * spaces deeper, LF line endings, and no newline after the closing root tag.
 *
 * Output is a stream of string chunks (about 64 KiB each), so a gigabyte file is never one string.
 */
import type { OptionSide } from '../market/krx-code.ts';
import type { IsoDate } from '../market/kst.ts';
import { CODE_FIELDS, TICK_FIELDS } from '../xml/krx-rows.ts';
import { hhmmssOf } from './contract-month.ts';
import { formatHundredths } from './premium-grid.ts';
import type { SynthTick } from './trades.ts';

export const XML_DECLARATION = '<?xml version="1.0" standalone="yes"?>';
const CHUNK_CHARS = 64 * 1024;

export function tickFileName(ymcode: string, date: IsoDate, side: OptionSide): string {
  return `${ymcode}_${date.replace(/-/g, '')}_TICK_${side}.xml`;
}

export function codeFileName(ymcode: string, date: IsoDate, side: OptionSide): string {
  return `${ymcode}_${date.replace(/-/g, '')}_CODE_${side}.xml`;
}

/**
 * The row element name: .NET names a DataSet's rows after its table, here the file's base name, and
 * escapes characters a name cannot start with as `_xHHHH_` (the leading '2' becomes `_x0032_`). Code
 * files were exported from a table named without the underscore before CODE, so
 * `202601_20251219_CODE_CALL.xml` holds `<_x0032_02601_20251219CODE_CALL>` rows.
 */
export function rowTagFor(fileName: string): string {
  const base = (fileName.split('/').pop() ?? fileName).replace(/\.xml$/i, '').replace(/_CODE_/, 'CODE_');
  const first = base.charAt(0);
  const escapedFirst = /[A-Za-z_]/.test(first)
    ? first
    : `_x${first.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
  return (
    escapedFirst +
    base
      .slice(1)
      .replace(/[^A-Za-z0-9_.-]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`)
  );
}

/** A row to write: its field values in file order, or a row the file ends inside (fault injection). */
export type RowToWrite =
  readonly string[] | { readonly values: readonly string[]; readonly keepChars: number };

export interface XmlDocumentOptions {
  /** Replaces the standard declaration (re-encoded files name their encoding). */
  declaration?: string;
}

/** The text of one row element, as it appears in the file. */
export function rowXml(tag: string, fields: readonly string[], values: readonly string[]): string {
  let text = `  <${tag}>\n`;
  for (let i = 0; i < fields.length; i++) text += `    <${fields[i]}>${values[i]}</${fields[i]}>\n`;
  return `${text}  </${tag}>\n`;
}

/**
 * The document as chunks. A row given with `keepChars` is cut after that many characters and ends the
 * file there: no further rows, no closing root tag (what a transfer cut short leaves behind).
 */
export function* xmlDocument(
  fileName: string,
  fields: readonly string[],
  rows: Iterable<RowToWrite>,
  options: XmlDocumentOptions = {},
): Generator<string> {
  const tag = rowTagFor(fileName);
  const opens = fields.map((f) => `    <${f}>`);
  const closes = fields.map((f) => `</${f}>\n`);
  const rowOpen = `  <${tag}>\n`;
  const rowClose = `  </${tag}>\n`;
  let chunk = `${options.declaration ?? XML_DECLARATION}\n`;
  let empty = true;
  for (const row of rows) {
    if (empty) {
      chunk += '<DocumentElement>\n';
      empty = false;
    }
    if (!Array.isArray(row)) {
      const cut = row as { values: readonly string[]; keepChars: number };
      yield chunk + rowXml(tag, fields, cut.values).slice(0, cut.keepChars);
      return;
    }
    const values = row as readonly string[];
    let text = rowOpen;
    for (let i = 0; i < opens.length; i++) text += opens[i]! + values[i]! + closes[i]!;
    chunk += text + rowClose;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  // .NET writes an empty DataSet's root as a self-closing element.
  yield chunk + (empty ? '<DocumentElement />' : '</DocumentElement>');
}

/** A tick's field values in TICK_FIELDS order. */
export function tickValues(tick: SynthTick, ymcode: string, yyyymmdd: string, isoDay: IsoDate): string[] {
  const itime = hhmmssOf(tick.second);
  return [
    ymcode,
    tick.code,
    String(Math.floor(tick.strike)),
    yyyymmdd,
    itime,
    `${isoDay}T${itime.slice(0, 2)}:${itime.slice(2, 4)}:${itime.slice(4, 6)}+09:00`,
    String(tick.tcnt),
    formatHundredths(tick.c),
    formatHundredths(tick.o),
    formatHundredths(tick.h),
    formatHundredths(tick.l),
    '0',
    String(tick.ccnt),
  ];
}

/** A code-file row: KRX's `lastday` holds the strike's integer part, not a date. */
export function codeValues(ymcode: string, code: string, strike: number): string[] {
  return [ymcode, code, String(Math.floor(strike))];
}

export function tickXml(
  fileName: string,
  rows: Iterable<RowToWrite>,
  options?: XmlDocumentOptions,
): Generator<string> {
  return xmlDocument(fileName, TICK_FIELDS, rows, options);
}

export function codeXml(
  fileName: string,
  rows: Iterable<RowToWrite>,
  options?: XmlDocumentOptions,
): Generator<string> {
  return xmlDocument(fileName, CODE_FIELDS, rows, options);
}
