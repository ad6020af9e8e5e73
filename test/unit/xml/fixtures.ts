/**
 * Builds KRX DataSet XML in the exact real format from field maps, for the hostile-input tests.
 * The baseline rows are the first ticks of the real sample (B0161530 and friends).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TICK_FIELDS } from '../../../src/core/xml/krx-rows.ts';

export const REAL_DIR = fileURLToPath(new URL('../../../data/krx-options-20251201/', import.meta.url));
export const CALL_TICKS = `${REAL_DIR}202601_20251201_TICK_CALL.xml`;
export const PUT_TICKS = `${REAL_DIR}202601_20251201_TICK_PUT.xml`;
export const CALL_CODES = `${REAL_DIR}202601_20251219_CODE_CALL.xml`;
export const PUT_CODES = `${REAL_DIR}202601_20251219_CODE_PUT.xml`;

export const TICK_FILE = '202601_20251201_TICK_CALL.xml';
export const TICK_TAG = '_x0032_02601_20251201_TICK_CALL';

export type Fields = Record<string, string>;

/** The first `count` rows of the real call file as field maps (simple regex read; the format is fixed). */
export function realCallRows(count: number): Fields[] {
  const xml = readFileSync(CALL_TICKS, 'utf8');
  const rows: Fields[] = [];
  for (const match of xml.matchAll(new RegExp(`<${TICK_TAG}>([\\s\\S]*?)</${TICK_TAG}>`, 'g'))) {
    const fields: Fields = {};
    for (const field of match[1]!.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) fields[field[1]!] = field[2]!;
    rows.push(fields);
    if (rows.length === count) break;
  }
  return rows;
}

export function rowXml(fields: Fields | string, tag = TICK_TAG, names?: string[]): string {
  if (typeof fields === 'string') return fields;
  const body = (names ?? Object.keys(fields))
    .map((name) => `    <${name}>${fields[name]}</${name}>`)
    .join('\n');
  return `  <${tag}>\n${body}\n  </${tag}>`;
}

export interface DocumentOptions {
  declaration?: string;
  doctype?: string;
  close?: boolean;
}

/** A whole document; rows may be field maps or raw text (for broken markup). */
export function documentXml(rows: Array<Fields | string>, options: DocumentOptions = {}): string {
  const declaration = options.declaration ?? '<?xml version="1.0" standalone="yes"?>';
  const head = [declaration, options.doctype, '<DocumentElement>'].filter(Boolean).join('\n');
  const body = rows.map((row) => rowXml(row)).join('\n');
  return `${head}\n${body}${options.close === false ? '' : '\n</DocumentElement>'}`;
}

export function withField(fields: Fields, name: string, value: string): Fields {
  return { ...fields, [name]: value };
}

export function withoutField(fields: Fields, name: string): Fields {
  const copy = { ...fields };
  delete copy[name];
  return copy;
}

export { TICK_FIELDS };

export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
