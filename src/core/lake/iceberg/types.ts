/**
 * Iceberg primitive types, the JavaScript values that stand for them, and Iceberg's single-value binary
 * serialization (used for lower/upper bounds in manifests and partition summaries).
 *
 * Which types, and why (checked against the AWS Athena page "Supported data types for Iceberg tables in
 * Athena"): Athena reads boolean, int, long (bigint), float, double, decimal, string (varchar), binary,
 * date, timestamp and timestamptz, lists, maps and structs; it has no tinyint/smallint/char in Iceberg
 * tables and does not read `time` or `fixed(L)`. Athena's Iceberg timestamps have microsecond precision
 * (timestamp(6)); its CREATE TABLE DDL only offers `timestamp` without zone, but tables registered in Glue
 * by other writers may carry `timestamptz` and Athena queries those too. Iceberg v2 itself only has
 * microsecond timestamps (nanoseconds arrive with v3), so there is nothing to choose there. We implement
 * the primitives the lake needs and Athena reads: boolean, int, long, float, double, string, date,
 * timestamp and timestamptz. (decimal, binary, uuid and nested types are left out until a table needs
 * them.)
 *
 * JavaScript values, chosen so every value round-trips exactly:
 *   boolean → boolean            int, date → number (date = days since 1970-01-01)
 *   long    → bigint             timestamp, timestamptz → bigint (microseconds since the epoch, UTC)
 *   float, double → number       string → string
 * Writers also accept a safe-integer `number` where a bigint is expected; readers always return bigint.
 */

export type PrimitiveType =
  'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'date' | 'timestamp' | 'timestamptz';

export const PRIMITIVE_TYPES: readonly PrimitiveType[] = [
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'string',
  'date',
  'timestamp',
  'timestamptz',
];

/** One non-null value of a primitive type (see the table above). */
export type IcebergValue = boolean | number | bigint | string;

/** A row as writers take it and readers return it: column name → value (null = SQL NULL). */
export type Row = Record<string, IcebergValue | null | undefined>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const MICROS_PER_DAY = 86_400_000_000n;

/** True for the types whose JavaScript value is a bigint. */
export function isBigIntType(type: PrimitiveType): boolean {
  return type === 'long' || type === 'timestamp' || type === 'timestamptz';
}

/**
 * Checks a value against its type and returns the canonical JavaScript value (numbers become bigints for
 * long and timestamps). Throws a TypeError naming `what` (e.g. the column) when the value does not fit.
 */
export function toCanonical(
  type: PrimitiveType,
  value: unknown,
  what: string | (() => string),
): IcebergValue {
  const canonical = canonicalOrUndefined(type, value);
  if (canonical !== undefined) return canonical;
  throw new TypeError(
    `${typeof what === 'string' ? what : what()}: ${describe(value)} is not a valid ${type} value`,
  );
}

/** The canonical value, or undefined when `value` does not fit the type (no message built: hot path). */
export function canonicalOrUndefined(type: PrimitiveType, value: unknown): IcebergValue | undefined {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'int':
    case 'date':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
        ? value
        : undefined;
    case 'long':
    case 'timestamp':
    case 'timestamptz': {
      const big =
        typeof value === 'bigint' ? value : Number.isSafeInteger(value) ? BigInt(value as number) : null;
      return big !== null && big >= INT64_MIN && big <= INT64_MAX ? big : undefined;
    }
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return String(value);
}

/**
 * Orders two canonical values of one type. Strings order by Unicode code point, which is the UTF-8 byte
 * order Iceberg's bounds use (JavaScript's `<` compares UTF-16 code units, which differs for characters
 * above U+FFFF against those in U+E000–U+FFFF).
 */
export function compareValues(type: PrimitiveType, a: IcebergValue, b: IcebergValue): number {
  if (type === 'string') return compareCodePoints(a as string, b as string);
  if (type === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (U+D800–U+DFFF) above U+E000–U+FFFF, so code-unit order becomes code-point order. */
function codeUnitRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * Iceberg's single-value serialization (spec, "Binary single-value serialization"): little-endian
 * two's complement for int/date (4 bytes) and long/timestamp (8 bytes), IEEE 754 little-endian for
 * float/double, one byte 0/1 for boolean, UTF-8 without length for string.
 */
export function serializeValue(type: PrimitiveType, value: IcebergValue): Uint8Array {
  switch (type) {
    case 'boolean':
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
    case 'date': {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setInt32(0, value as number, true);
      return bytes;
    }
    case 'long':
    case 'timestamp':
    case 'timestamptz': {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
      return bytes;
    }
    case 'float': {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setFloat32(0, value as number, true);
      return bytes;
    }
    case 'double': {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, value as number, true);
      return bytes;
    }
    case 'string':
      return new TextEncoder().encode(value as string);
  }
}

export function deserializeValue(type: PrimitiveType, bytes: Uint8Array): IcebergValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'boolean':
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      return view.getInt32(0, true);
    case 'long':
    case 'timestamp':
    case 'timestamptz':
      return view.getBigInt64(0, true);
    case 'float':
      return view.getFloat32(0, true);
    case 'double':
      return view.getFloat64(0, true);
    case 'string':
      return new TextDecoder().decode(bytes);
  }
}

/** Microseconds since the epoch of a JavaScript Date (millisecond precision). */
export function microsFromDate(date: Date): bigint {
  return BigInt(date.getTime()) * 1000n;
}

/** Days since 1970-01-01 of an ISO date "YYYY-MM-DD" (the last answer is kept: rows repeat dates). */
export function daysFromIsoDate(iso: string): number {
  if (iso === lastIsoDate.iso) return lastIsoDate.days;
  const millis = Date.parse(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(millis))
    throw new TypeError(`not an ISO date: ${iso}`);
  lastIsoDate = { iso, days: millis / 86_400_000 };
  return lastIsoDate.days;
}

let lastIsoDate = { iso: '', days: 0 };

/** "YYYY-MM-DD" of a day number (days since 1970-01-01). */
export function isoDateFromDays(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}
