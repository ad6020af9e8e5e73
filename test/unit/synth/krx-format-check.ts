/**
 * A strict, independent checker of the KRX DataSet XML layout and of the market rules a clean tick file
 * obeys. The same checker runs over the real files (proving each rule holds on real data) and over
 * generated ones. It reads the text line by line and does not share code with the writer.
 */
import { expiryDate, sessionOf } from '../../../src/core/market/krx-calendar.ts';
import { decodeKrxCode } from '../../../src/core/market/krx-code.ts';
import { isOnTickGrid } from '../../../src/core/market/krx-contract.ts';

const DECLARATION = '<?xml version="1.0" standalone="yes"?>';
const TICK_ORDER = [
  'ymcode',
  'code',
  'strike',
  'idate',
  'itime',
  'tdate',
  'tcnt',
  'c',
  'o',
  'h',
  'l',
  'oi',
  'ccnt',
];
const CODE_ORDER = ['ymcode', 'code', 'lastday'];
const PRICE = /^(0|[1-9]\d*)(\.\d?[1-9])?$/;

export interface FormatReport {
  kind: 'tick' | 'code';
  /** Field name → text, per row. */
  rows: Array<Record<string, string>>;
  violations: string[];
}

/** The row element name the file name implies (written out independently of the generator). */
export function expectedRowTag(fileName: string): string {
  const base = fileName.replace(/\.xml$/, '').replace('_CODE_', 'CODE_');
  const first = base.charCodeAt(0);
  const escaped = first >= 0x30 && first <= 0x39 ? `_x${first.toString(16).padStart(4, '0')}_` : base[0];
  return escaped + base.slice(1);
}

export function checkKrxFile(fileName: string, text: string): FormatReport {
  const kind = /_TICK_/.test(fileName) ? 'tick' : 'code';
  const side = /_CALL\.xml$/.test(fileName) ? 'CALL' : 'PUT';
  const fileDate = /_(\d{8})_/.exec(fileName)?.[1] ?? '';
  const order = kind === 'tick' ? TICK_ORDER : CODE_ORDER;
  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 50) violations.push(message);
  };

  if (/[^\n\r\t -~]/.test(text)) fail('characters other than printable ASCII and line breaks');
  if (text.includes('\r')) fail('CR line endings');
  if (text.endsWith('\n')) fail('newline after the closing root tag');
  const lines = text.split('\n');
  if (lines[0] !== DECLARATION) fail(`declaration is ${JSON.stringify(lines[0])}`);
  if (lines[1] !== '<DocumentElement>') fail(`root opens as ${JSON.stringify(lines[1])}`);
  if (lines.at(-1) !== '</DocumentElement>') fail(`file ends with ${JSON.stringify(lines.at(-1))}`);

  const tag = expectedRowTag(fileName);
  const rows: Array<Record<string, string>> = [];
  const blockLength = order.length + 2;
  const body = lines.slice(2, -1);
  if (body.length % blockLength !== 0) fail(`${body.length} body lines are not whole rows of ${blockLength}`);
  for (let start = 0; start + blockLength <= body.length; start += blockLength) {
    const line = start + 3;
    if (body[start] !== `  <${tag}>`)
      fail(`line ${line}: row opens as ${JSON.stringify(body[start])}, expected <${tag}>`);
    if (body[start + blockLength - 1] !== `  </${tag}>`)
      fail(`line ${line + blockLength - 1}: row does not close as </${tag}>`);
    const row: Record<string, string> = {};
    let complete = true;
    order.forEach((name, i) => {
      const match = /^ {4}<([a-z]+)>([^<]*)<\/([a-z]+)>$/.exec(body[start + 1 + i]!);
      if (!match || match[1] !== name || match[3] !== name) {
        fail(
          `line ${line + 1 + i}: expected field <${name}> at 4 spaces, got ${JSON.stringify(body[start + 1 + i])}`,
        );
        complete = false;
      } else row[name] = match[2]!;
    });
    // Rows the layout check could not read are reported above, not checked further.
    if (complete) rows.push(row);
  }

  if (kind === 'tick') checkTicks(rows, side, fileDate, fail);
  else checkCodes(rows, side, fail);
  return { kind, rows, violations };
}

function checkTicks(
  rows: Array<Record<string, string>>,
  side: 'CALL' | 'PUT',
  fileDate: string,
  fail: (m: string) => void,
) {
  const isoDate = `${fileDate.slice(0, 4)}-${fileDate.slice(4, 6)}-${fileDate.slice(6, 8)}`;
  const running = new Map<string, { o: string; h: number; l: number; tcnt: number }>();
  let previous: Record<string, string> | undefined;
  rows.forEach((row, index) => {
    const at = `row ${index} (${row.code} ${row.itime})`;
    const code = decodeKrxCode(row.code!, Number(row.ymcode!.slice(0, 4)));
    if (code.side !== side) fail(`${at}: a ${code.side} in a ${side} file`);
    if (code.ymcode !== row.ymcode) fail(`${at}: ymcode ${row.ymcode} vs code month ${code.ymcode}`);
    if (row.strike !== String(Math.floor(code.strike!)))
      fail(`${at}: strike ${row.strike} is not the integer part of ${code.strike}`);
    if (row.idate !== fileDate) fail(`${at}: idate ${row.idate} is not the file's date ${fileDate}`);
    if (!/^\d{6}$/.test(row.itime!)) fail(`${at}: itime not zero-padded hhmmss`);
    const t = row.itime!;
    if (row.tdate !== `${isoDate}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}+09:00`)
      fail(`${at}: tdate ${row.tdate} disagrees with idate/itime`);
    const session = sessionOf(isoDate, expiryDate(code.year, code.month));
    if (t < session.open || t > session.close)
      fail(`${at}: outside the session ${session.open}–${session.close}`);
    for (const name of ['c', 'o', 'h', 'l']) {
      const value = row[name]!;
      if (!PRICE.test(value) || Number(value) <= 0)
        fail(`${at}: ${name} = ${value} is not written like KRX (no trailing zeros, positive)`);
      else if (!isOnTickGrid(Number(value))) fail(`${at}: ${name} = ${value} is off the tick grid`);
    }
    if (row.oi !== '0') fail(`${at}: oi = ${row.oi}`);
    if (!/^[1-9]\d*$/.test(row.ccnt!)) fail(`${at}: ccnt = ${row.ccnt}`);
    if (!/^\d+$/.test(row.tcnt!) || Number(row.tcnt) > 898) fail(`${at}: tcnt = ${row.tcnt}`);

    const c = Number(row.c);
    const state = running.get(row.code!);
    if (previous && (previous.code! > row.code! || (previous.code === row.code && previous.itime! > t)))
      fail(`${at}: not sorted by (code, itime)`);
    if (state && previous?.code !== row.code) fail(`${at}: code ${row.code} appears in two runs`);
    if (!state) {
      if (row.o !== row.c) fail(`${at}: first tick of the code has o = ${row.o} but c = ${row.c}`);
      running.set(row.code!, { o: row.o!, h: c, l: c, tcnt: Number(row.tcnt) });
    } else {
      state.h = Math.max(state.h, c);
      state.l = Math.min(state.l, c);
      if (Number(row.tcnt) !== (state.tcnt + 898) % 899)
        fail(`${at}: tcnt ${row.tcnt} does not follow ${state.tcnt} (down by one, 0 → 898)`);
      state.tcnt = Number(row.tcnt);
      if (row.o !== state.o) fail(`${at}: o = ${row.o} is not the day's open ${state.o}`);
    }
    const s = running.get(row.code!)!;
    if (Number(row.h) !== s.h || Number(row.l) !== s.l)
      fail(`${at}: h/l = ${row.h}/${row.l}, running high/low ${s.h}/${s.l}`);
    previous = row;
  });
}

function checkCodes(rows: Array<Record<string, string>>, side: 'CALL' | 'PUT', fail: (m: string) => void) {
  let previous: number | undefined;
  rows.forEach((row, index) => {
    const code = decodeKrxCode(row.code!, Number(row.ymcode!.slice(0, 4)));
    if (code.side !== side) fail(`row ${index}: a ${code.side} in a ${side} file`);
    if (code.ymcode !== row.ymcode) fail(`row ${index}: ymcode ${row.ymcode} vs code month ${code.ymcode}`);
    if (row.lastday !== String(Math.floor(code.strike!)))
      fail(`row ${index}: lastday ${row.lastday} is not the strike's integer part`);
    if (previous !== undefined && code.strike! - previous !== 2.5)
      fail(`row ${index}: strike ${code.strike} is not 2.5 above ${previous}`);
    previous = code.strike!;
  });
}
