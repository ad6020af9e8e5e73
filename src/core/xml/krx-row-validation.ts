/**
 * Turns a scanned row (field name → text) into a typed KRX tick or code row, or says precisely why not.
 * Shape and parsing are checked with zod; market rules (tick grid, session, contract consistency) after.
 */
import { z } from 'zod';
import { sessionOf, isCalendarKnown, isTradingDay } from '../market/krx-calendar.ts';
import { decodeKrxCode } from '../market/krx-code.ts';
import type { KrxCode, OptionSide } from '../market/krx-code.ts';
import { expiryDate } from '../market/krx-calendar.ts';
import { isOnTickGrid } from '../market/krx-contract.ts';
import { KST_OFFSET_MS } from '../market/kst.ts';
import type { ScannedRow } from './dataset-scanner.ts';
import { CODE_FIELDS, TICK_FIELDS } from './krx-rows.ts';
import type { CodeRow, QuarantineReason, TickField, TickRow } from './krx-rows.ts';

/** No KOSPI200 option premium comes near this (the index itself is in the hundreds). */
export const MAX_PLAUSIBLE_PREMIUM = 1000;

const MAX_INT32 = 2 ** 31 - 1;

// Each field's text (trimmed) as a regular-expression source: no anchors, no capturing groups, nothing
// that matches '<' or '&'. zod checks a text against it with surrounding whitespace allowed; the scanner's
// fast path takes it as is (TICK_TEXT_PATTERNS), so a row the scanner marks `patterned` passes these rules
// by construction and is not checked twice. Numbers are converted and range-checked afterwards, with the
// field named in the detail.
const DECIMAL = String.raw`-?\d+(?:\.\d+)?`;
const INTEGER = String.raw`-?\d+`;
const KRX_CODE = String.raw`[A-C]\d{2}[0-9A-Z][1-9A-C]\d{3}`;
const ISO_TIME = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)`;
const digits = (count: number) => [`\\d{${count}}`, `must be ${count} digits`] as const;
const DECIMAL_RULE = [DECIMAL, 'is not a decimal number'] as const;
const INTEGER_RULE = [INTEGER, 'is not an integer'] as const;

/** The whole text of a field: the pattern, with whitespace allowed around it. */
const anchored = (source: string) => new RegExp(`^\\s*${source}\\s*$`);

/** Each tick field's text pattern and the message when it does not match. */
const TICK_RULES = {
  ymcode: digits(6),
  code: [KRX_CODE, 'is not a KRX derivative code'],
  strike: DECIMAL_RULE,
  idate: digits(8),
  itime: digits(6),
  tdate: [ISO_TIME, 'is not an ISO-8601 time with offset'],
  tcnt: INTEGER_RULE,
  c: DECIMAL_RULE,
  o: DECIMAL_RULE,
  h: DECIMAL_RULE,
  l: DECIMAL_RULE,
  oi: INTEGER_RULE,
  ccnt: INTEGER_RULE,
} as const satisfies Record<TickField, readonly [string, string]>;

/** What the scanner's fast path requires of each tick field's text (`DataSetScanner` `fieldPatterns`). */
export const TICK_TEXT_PATTERNS: Readonly<Record<TickField, string>> = Object.fromEntries(
  Object.entries(TICK_RULES).map(([name, [source]]) => [name, source]),
) as Record<TickField, string>;

const tickSchema = z.object(
  Object.fromEntries(
    Object.entries(TICK_RULES).map(([name, [source, message]]) => [
      name,
      z.string().regex(anchored(source), message),
    ]),
  ) as Record<TickField, z.ZodString>,
);

/**
 * The same rules as plain regex tests: a row passing them all is a row the zod schema accepts (it checks
 * exactly these patterns). Rows are tested here first and go through zod only when one fails, for its
 * message; zod's parse copies every row, which on a million-row file was a tenth of the ingest.
 */
const TICK_PATTERNS = Object.entries(TICK_RULES).map(([name, [source]]) => [name, anchored(source)] as const);

function matchesTickSchema(fields: Record<string, string>): boolean {
  for (const [name, pattern] of TICK_PATTERNS) {
    const text = fields[name];
    if (typeof text !== 'string' || !pattern.test(text)) return false;
  }
  return true;
}

const codeSchema = z.object({
  ymcode: z.string().regex(anchored(digits(6)[0]), 'must be 6 digits'),
  code: z.string().regex(anchored(KRX_CODE), 'is not a KRX derivative code'),
  lastday: z.string().regex(anchored(String.raw`\d{1,8}`), 'must be digits'),
});

const PRICE_FIELDS = ['c', 'o', 'h', 'l'] as const;

export type Verdict<T> =
  { ok: true; row: T; warnings: string[] } | { ok: false; reason: QuarantineReason; detail: string };

/** A scanned row as validation reads it. */
type RowInput = Pick<ScannedRow, 'index' | 'fields' | 'order' | 'match' | 'patterned'>;

/** Group of each tick field in a fast-path match (field i is group i + 1). */
const GROUP = Object.fromEntries(TICK_FIELDS.map((name, i) => [name, i + 1])) as Record<TickField, number>;

export function validateTickRow(
  srcFile: string,
  input: RowInput,
  fileSide: OptionSide | undefined,
): Verdict<TickRow> {
  // The typed row is built once and checked in place (this runs for every tick).
  let row: TickRow;
  let shape: ValidShape = EXACT_SHAPE;
  const m = input.match;
  if (input.patterned && m !== undefined && isTickOrder(input.order)) {
    // Every text matched its field's pattern in the scanner (TICK_TEXT_PATTERNS, no whitespace around).
    row = {
      srcFile,
      srcRow: input.index,
      side: 'CALL',
      ymcode: m[GROUP.ymcode]!,
      code: m[GROUP.code]!,
      strike: Number(m[GROUP.strike]),
      idate: m[GROUP.idate]!,
      itime: m[GROUP.itime]!,
      tdate: m[GROUP.tdate]!,
      ts: 0,
      tcnt: Number(m[GROUP.tcnt]),
      c: Number(m[GROUP.c]),
      o: Number(m[GROUP.o]),
      h: Number(m[GROUP.h]),
      l: Number(m[GROUP.l]),
      oi: Number(m[GROUP.oi]),
      ccnt: Number(m[GROUP.ccnt]),
    };
  } else {
    const checked = checkShape(input, TICK_FIELDS);
    if (!checked.ok) return checked;
    shape = checked;
    let text = input.fields as z.infer<typeof tickSchema>;
    if (!matchesTickSchema(input.fields)) {
      const parsed = tickSchema.safeParse(input.fields);
      if (!parsed.success) return invalid(parsed.error);
      text = parsed.data;
    }
    row = {
      srcFile,
      srcRow: input.index,
      side: 'CALL',
      ymcode: text.ymcode.trim(),
      code: text.code.trim(),
      strike: Number(text.strike),
      idate: text.idate.trim(),
      itime: text.itime.trim(),
      tdate: text.tdate.trim(),
      ts: 0,
      tcnt: Number(text.tcnt),
      c: Number(text.c),
      o: Number(text.o),
      h: Number(text.h),
      l: Number(text.l),
      oi: Number(text.oi),
      ccnt: Number(text.ccnt),
    };
  }
  const f = row;
  if (f.tcnt < 0 || f.tcnt > 898)
    return {
      ok: false,
      reason: 'invalid_value',
      detail: `tcnt ${f.tcnt} is outside 0–898 (the counter wraps at 899)`,
    };
  if (f.oi < 0) return { ok: false, reason: 'invalid_value', detail: `oi ${f.oi} is negative` };
  // The lake stores oi as a long and ccnt as an int: a value past those is refused here, with its row,
  // rather than failing the whole file when it is written.
  if (f.oi > Number.MAX_SAFE_INTEGER)
    return {
      ok: false,
      reason: 'invalid_value',
      detail: `oi ${input.fields.oi!.trim()} is beyond any open interest`,
    };
  if (f.ccnt < 1)
    return { ok: false, reason: 'invalid_value', detail: `ccnt ${f.ccnt} is not at least one contract` };
  if (f.ccnt > MAX_INT32)
    return {
      ok: false,
      reason: 'invalid_value',
      detail: `ccnt ${input.fields.ccnt!.trim()} is beyond any trade size`,
    };

  const code = decodeCached(f.code, f.ymcode);
  if (typeof code === 'string') return { ok: false, reason: 'invalid_value', detail: code };
  if (code.product === 'future' || !code.side || code.strike === undefined) {
    return { ok: false, reason: 'contract_mismatch', detail: `${f.code} is a future, not an option` };
  }
  if (fileSide && code.side !== fileSide) {
    return {
      ok: false,
      reason: 'side_mismatch',
      detail: `${f.code} is a ${code.side} but the file holds ${fileSide}s`,
    };
  }
  if (code.ymcode !== f.ymcode) {
    return {
      ok: false,
      reason: 'contract_mismatch',
      detail: `ymcode ${f.ymcode} disagrees with code ${f.code} (${code.ymcode})`,
    };
  }
  if (f.strike !== Math.floor(code.strike)) {
    return {
      ok: false,
      reason: 'contract_mismatch',
      detail: `strike ${f.strike} disagrees with code ${f.code} (strike ${code.strike})`,
    };
  }

  for (const name of PRICE_FIELDS) {
    const price = f[name];
    if (price <= 0)
      return {
        ok: false,
        reason: 'non_positive_price',
        detail: `${name} = ${input.fields[name]!.trim()} is not positive`,
      };
    if (price > MAX_PLAUSIBLE_PREMIUM) {
      return {
        ok: false,
        reason: 'absurd_price',
        detail: `${name} = ${price} is above any plausible premium (${MAX_PLAUSIBLE_PREMIUM})`,
      };
    }
    if (!isOnTickGrid(price)) {
      return {
        ok: false,
        reason: 'off_tick_grid',
        detail: `${name} = ${price} is off the tick grid (${price < 10 ? '0.01' : '0.05'} at this level)`,
      };
    }
  }
  if (!(f.l <= f.c && f.c <= f.h && f.l <= f.o && f.o <= f.h)) {
    return {
      ok: false,
      reason: 'ohl_inconsistent',
      detail: `needs l ≤ o, c ≤ h; got o=${f.o} h=${f.h} l=${f.l} c=${f.c}`,
    };
  }

  const time = parseTdate(f.tdate);
  if (!time)
    return { ok: false, reason: 'invalid_value', detail: `tdate ${f.tdate} is not a real date and time` };
  const { kstDate } = time;
  if (!sameDate(kstDate, f.idate) || !sameTime(time, f.tdate, f.itime)) {
    return {
      ok: false,
      reason: 'time_mismatch',
      detail: `tdate ${f.tdate} is ${kstDate} ${kstTimeOf(time, f.tdate)} KST but idate/itime say ${f.idate} ${f.itime}`,
    };
  }
  const expiry = expiryDate(code.year, code.month);
  if (kstDate > expiry) {
    return {
      ok: false,
      reason: 'contract_mismatch',
      detail: `${f.code} traded on ${kstDate}, after its expiry ${expiry}`,
    };
  }
  if (!isTradingDayOrUnknown(kstDate)) {
    return { ok: false, reason: 'outside_session', detail: `${kstDate} is not a KRX trading day` };
  }
  const session = sessionOf(kstDate, expiry);
  if (f.itime < session.open || f.itime > session.close) {
    return {
      ok: false,
      reason: 'outside_session',
      detail: `${f.itime} is outside the session ${session.open}–${session.close} KST of ${kstDate}`,
    };
  }

  row.side = code.side;
  row.ts = time.utcMs;
  if (shape.extras) row.extras = shape.extras;
  return { ok: true, row, warnings: shape.warnings };
}

export function validateCodeRow(srcFile: string, input: RowInput): Verdict<CodeRow> {
  const shape = checkShape(input, CODE_FIELDS);
  if (!shape.ok) return shape;
  const parsed = codeSchema.safeParse(input.fields);
  if (!parsed.success) return invalid(parsed.error);
  const f = {
    ymcode: parsed.data.ymcode.trim(),
    code: parsed.data.code.trim(),
    lastday: parsed.data.lastday.trim(),
  };
  const code = decodeCached(f.code, f.ymcode);
  if (typeof code === 'string') return { ok: false, reason: 'invalid_value', detail: code };
  if (code.ymcode !== f.ymcode) {
    return {
      ok: false,
      reason: 'contract_mismatch',
      detail: `ymcode ${f.ymcode} disagrees with code ${f.code} (${code.ymcode})`,
    };
  }
  const row: CodeRow = {
    srcFile,
    srcRow: input.index,
    ymcode: f.ymcode,
    code: f.code,
    lastday: f.lastday,
  };
  if (shape.extras) row.extras = shape.extras;
  return { ok: true, row, warnings: shape.warnings };
}

const decoded = new Map<string, { year: string; result: KrxCode | string }>();

/** Decodes a code near its row's contract year (memoised: a file has a few hundred codes); a string is the error. */
function decodeCached(code: string, ymcode: string): KrxCode | string {
  if (code === lastDecoded.code && ymcode === lastDecoded.ymcode) return lastDecoded.result;
  const result = decodeNearYear(code, ymcode);
  lastDecoded = { code, ymcode, result };
  return result;
}

/** Rows of one code come in runs: the last answer is checked before the map. */
let lastDecoded: { code: string; ymcode: string; result: KrxCode | string } = {
  code: '',
  ymcode: '',
  result: '',
};

function decodeNearYear(code: string, ymcode: string): KrxCode | string {
  const year = ymcode.slice(0, 4);
  const cached = decoded.get(code);
  if (cached !== undefined && cached.year === year) return cached.result;
  let result: KrxCode | string;
  try {
    result = decodeKrxCode(code, Number(year));
  } catch (error) {
    result = (error as Error).message;
  }
  if (decoded.size > 100_000) decoded.clear();
  decoded.set(code, { year, result });
  return result;
}

const NO_WARNINGS: string[] = [];
const EXACT_SHAPE: ValidShape = { ok: true, warnings: NO_WARNINGS };

/** The last field order found to be exactly KRX's tick fields (the scanner shares one array across rows). */
let tickOrder: string[] | undefined;

function isTickOrder(order: string[]): boolean {
  if (order === tickOrder) return true;
  if (!isExactly(order, TICK_FIELDS)) return false;
  tickOrder = order;
  return true;
}

function isExactly(order: string[], expected: readonly string[]): boolean {
  if (order.length !== expected.length) return false;
  for (let i = 0; i < order.length; i++) if (order[i] !== expected[i]) return false;
  return true;
}

type ValidShape = { ok: true; extras?: Record<string, string>; warnings: string[] };
type Shape = ValidShape | { ok: false; reason: QuarantineReason; detail: string };

/** Missing and repeated fields are refused; unknown fields are kept as extras; a different order is only noted. */
function checkShape(input: RowInput, expected: readonly string[]): Shape {
  if (isExactly(input.order, expected)) return EXACT_SHAPE;
  if (input.order.length !== new Set(input.order).size) {
    const seen = new Set<string>();
    const repeated = input.order.filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
    return {
      ok: false,
      reason: 'duplicate_field',
      detail: `field ${[...new Set(repeated)].join(', ')} appears more than once`,
    };
  }
  const missing = expected.filter((name) => !(name in input.fields));
  if (missing.length > 0)
    return { ok: false, reason: 'missing_field', detail: `missing ${missing.join(', ')}` };
  const warnings: string[] = [];
  let extras: Record<string, string> | undefined;
  if (input.order.length !== expected.length) {
    extras = {};
    for (const name of input.order) if (!expected.includes(name)) extras[name] = input.fields[name]!;
    warnings.push(`unknown fields kept as extras: ${Object.keys(extras).join(', ')}`);
  }
  const known = input.order.filter((name) => expected.includes(name));
  if (known.some((name, i) => name !== expected[i])) warnings.push('fields in an order other than KRX’s');
  return { ok: true, extras, warnings };
}

function invalid(error: z.ZodError): { ok: false; reason: QuarantineReason; detail: string } {
  const issue = error.issues[0]!;
  return { ok: false, reason: 'invalid_value', detail: `${issue.path.join('.')} ${issue.message}` };
}

/**
 * Parses an ISO-8601 time with offset, rejecting impossible dates (2025-02-30) and times (25:00), and
 * gives its KST date and time. KRX writes +09:00, so that case needs no Date arithmetic.
 */
interface TdateParts {
  utcMs: number;
  kstDate: string;
  /** 'hhmmss' KST; absent when tdate is in KRX's own shape, where it is characters 11–18 without colons. */
  kstTime?: string;
}

function kstTimeOf(parts: TdateParts, tdate: string): string {
  return parts.kstTime ?? tdate.slice(11, 13) + tdate.slice(14, 16) + tdate.slice(17, 19);
}

/** Does itime say the KST time of tdate? (Compared in place for KRX's shape: no string per row.) */
function sameTime(parts: TdateParts, tdate: string, itime: string): boolean {
  if (parts.kstTime !== undefined) return parts.kstTime === itime;
  return (
    itime.length === 6 &&
    itime.charCodeAt(0) === tdate.charCodeAt(11) &&
    itime.charCodeAt(1) === tdate.charCodeAt(12) &&
    itime.charCodeAt(2) === tdate.charCodeAt(14) &&
    itime.charCodeAt(3) === tdate.charCodeAt(15) &&
    itime.charCodeAt(4) === tdate.charCodeAt(17) &&
    itime.charCodeAt(5) === tdate.charCodeAt(18)
  );
}

/** Whether a KST date may hold trades (true beyond the holiday table); rows ask day after day. */
function isTradingDayOrUnknown(date: string): boolean {
  if (date !== lastDay.date) lastDay = { date, trading: !isCalendarKnown(date) || isTradingDay(date) };
  return lastDay.trading;
}

let lastDay = { date: '', trading: false };

/**
 * The last KST day read from a tdate in KRX's shape: its text (shared by the rows of that day: one string,
 * not one per row) and the UTC time of its midnight, NaN for an impossible date. Rows come day by day, so
 * a row's date is parsed and checked only when it changes.
 */
let krxDay = { text: '', midnightUtcMs: Number.NaN };

/** One result object for KRX's shape, filled anew by each call (the caller reads it at once). */
const krxShapeParts: TdateParts = { utcMs: 0, kstDate: '' };

function parseTdate(text: string): TdateParts | undefined {
  // KRX's exact shape, 'YYYY-MM-DDThh:mm:ss+09:00', is read by position; anything else by the regex.
  if (text.length === 25 && text.endsWith('+09:00') && text.charCodeAt(10) === 84 /* T */) {
    if (krxDay.text.length !== 10 || !text.startsWith(krxDay.text)) {
      const year = num(text, 0, 4);
      const month = num(text, 5, 2);
      const day = num(text, 8, 2);
      krxDay = {
        text: text.slice(0, 10),
        midnightUtcMs: isRealTime(year, month, day, 0, 0, 0)
          ? Date.UTC(year, month - 1, day) - KST_OFFSET_MS
          : Number.NaN,
      };
    }
    const hour = num(text, 11, 2);
    const minute = num(text, 14, 2);
    const second = num(text, 17, 2);
    // NaN (a non-digit) fails these comparisons too.
    if (Number.isNaN(krxDay.midnightUtcMs) || !(hour <= 23 && minute <= 59 && second <= 59)) return undefined;
    krxShapeParts.utcMs = krxDay.midnightUtcMs + ((hour * 60 + minute) * 60 + second) * 1000;
    krxShapeParts.kstDate = krxDay.text;
    return krxShapeParts;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isRealTime(year, month, day, hour, minute, second)) return undefined;
  const offsetMs = m[7] === 'Z' ? 0 : (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60_000;
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMs;
  const kst = new Date(utcMs + KST_OFFSET_MS).toISOString();
  return { utcMs, kstDate: kst.slice(0, 10), kstTime: kst.slice(11, 19).replace(/:/g, '') };
}

function num(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

function isRealTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  );
}

/** 'YYYY-MM-DD' equals 'YYYYMMDD', compared in place. */
function sameDate(iso: string, compact: string): boolean {
  return (
    compact.length === 8 &&
    iso.charCodeAt(0) === compact.charCodeAt(0) &&
    iso.charCodeAt(1) === compact.charCodeAt(1) &&
    iso.charCodeAt(2) === compact.charCodeAt(2) &&
    iso.charCodeAt(3) === compact.charCodeAt(3) &&
    iso.charCodeAt(5) === compact.charCodeAt(4) &&
    iso.charCodeAt(6) === compact.charCodeAt(5) &&
    iso.charCodeAt(8) === compact.charCodeAt(6) &&
    iso.charCodeAt(9) === compact.charCodeAt(7)
  );
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}
