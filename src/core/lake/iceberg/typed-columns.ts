/**
 * Typed columns: a table's values held in typed arrays (or as dictionary indexes) instead of one JavaScript
 * value per cell. The ETL's tick tables are a million rows per file; as arrays of boxed numbers, bigints
 * and strings they cost most of the ingest in allocation and garbage collection, and the Parquet encoder
 * then walks them value by value. Typed, a numeric column is one buffer that Parquet's PLAIN encoding
 * copies as is, and a string column is a small dictionary plus 32-bit indexes.
 *
 * Six kinds, each tied to the Iceberg types it can carry:
 *   double     Float64Array                       double
 *   int32      Int32Array                         int, date (days)
 *   int64      Float64Array of safe integers       long, timestamp, timestamptz (micros < 2^53: year 2255)
 *   boolean    Uint8Array of 0 and 1               boolean
 *   string     PLAIN records (length + UTF-8)      string, when nearly every value differs (times as text);
 *              and n + 1 offsets into them          a NULL row has an empty record range
 *   dictionary distinct values + Int32Array index  any type but boolean; index -1 is NULL
 * The numeric and boolean kinds mark NULLs in an optional `present` array (0 = NULL; absent = no NULLs);
 * the value slot of a NULL is ignored.
 */
import { Buffer } from 'node:buffer';
import { compareValues, isBigIntType } from './types.ts';
import type { IcebergValue, PrimitiveType } from './types.ts';
import type { ColumnMetrics } from './metrics.ts';

export type TypedColumn =
  | { kind: 'double'; values: Float64Array; present?: Uint8Array }
  | { kind: 'int32'; values: Int32Array; present?: Uint8Array }
  | { kind: 'int64'; values: Float64Array; present?: Uint8Array }
  | { kind: 'boolean'; values: Uint8Array; present?: Uint8Array }
  | { kind: 'string'; bytes: Uint8Array; offsets: Int32Array }
  | { kind: 'dictionary'; dictionary: readonly IcebergValue[]; indexes: Int32Array };

/** The kinds whose values sit in a typed array. */
export type ValueColumn = Exclude<TypedColumn, { kind: 'dictionary' | 'string' }>;

/** Rows in a typed column. */
export function typedLength(column: TypedColumn): number {
  if (column.kind === 'dictionary') return column.indexes.length;
  if (column.kind === 'string') return column.offsets.length - 1;
  return column.values.length;
}

/** Refuses a column whose kind cannot carry the field's type. */
export function checkKind(type: PrimitiveType, column: TypedColumn, name: string): void {
  const fits =
    (column.kind === 'dictionary' && type !== 'boolean') ||
    (column.kind === 'double' && type === 'double') ||
    (column.kind === 'int32' && (type === 'int' || type === 'date')) ||
    (column.kind === 'int64' && isBigIntType(type)) ||
    (column.kind === 'boolean' && type === 'boolean') ||
    (column.kind === 'string' && type === 'string');
  if (!fits) throw new TypeError(`column ${name}: a ${column.kind} column cannot hold ${type} values`);
}

/** The canonical value of row `i` (null = NULL), for tests and the row-by-row fallbacks. */
export function typedValueAt(column: TypedColumn, i: number): IcebergValue | null {
  if (column.kind === 'dictionary') {
    const index = column.indexes[i]!;
    return index < 0 ? null : column.dictionary[index]!;
  }
  if (column.kind === 'string') {
    const { bytes, offsets } = column;
    return offsets[i] === offsets[i + 1]
      ? null
      : UTF8.decode(bytes.subarray(offsets[i]! + 4, offsets[i + 1]));
  }
  if (column.present && column.present[i] === 0) return null;
  switch (column.kind) {
    case 'boolean':
      return column.values[i] === 1;
    case 'int64':
      return BigInt(column.values[i]!);
    default:
      return column.values[i]!;
  }
}

/** The rows at `indexes` of a column, in that order (a partition's slice of a batch). */
export function gatherTyped(column: TypedColumn, indexes: Int32Array): TypedColumn {
  if (column.kind === 'dictionary') {
    // The slice gets a dictionary of its own entries only (in first-use order): a file's dictionary page
    // and index width then follow its own values, not the whole batch's.
    const renumbered = new Int32Array(column.dictionary.length).fill(-1);
    const dictionary: IcebergValue[] = [];
    const out = new Int32Array(indexes.length);
    for (let i = 0; i < indexes.length; i++) {
      const index = column.indexes[indexes[i]!]!;
      if (index < 0) {
        out[i] = -1;
        continue;
      }
      if (renumbered[index]! < 0) {
        renumbered[index] = dictionary.length;
        dictionary.push(column.dictionary[index]!);
      }
      out[i] = renumbered[index]!;
    }
    return { kind: 'dictionary', dictionary, indexes: out };
  }
  if (column.kind === 'string') {
    const { bytes, offsets } = column;
    let size = 0;
    for (let i = 0; i < indexes.length; i++) size += offsets[indexes[i]! + 1]! - offsets[indexes[i]!]!;
    const out = new Uint8Array(size);
    const outOffsets = new Int32Array(indexes.length + 1);
    for (let i = 0, o = 0; i < indexes.length; i++) {
      const start = offsets[indexes[i]!]!;
      const end = offsets[indexes[i]! + 1]!;
      out.set(bytes.subarray(start, end), o);
      o += end - start;
      outOffsets[i + 1] = o;
    }
    return { kind: 'string', bytes: out, offsets: outOffsets };
  }
  const source = column.values;
  const values = new (source.constructor as new (length: number) => typeof source)(indexes.length);
  for (let i = 0; i < indexes.length; i++) values[i] = source[indexes[i]!]!;
  const gathered = { kind: column.kind, values } as ValueColumn;
  if (column.present) {
    const present = new Uint8Array(indexes.length);
    for (let i = 0; i < indexes.length; i++) present[i] = column.present[indexes[i]!]!;
    gathered.present = present;
  }
  return gathered;
}

/** NULLs in a column. */
export function typedNullCount(column: TypedColumn): number {
  let nulls = 0;
  if (column.kind === 'dictionary') {
    for (let i = 0; i < column.indexes.length; i++) if (column.indexes[i]! < 0) nulls++;
  } else if (column.kind === 'string') {
    for (let i = 0; i + 1 < column.offsets.length; i++)
      if (column.offsets[i] === column.offsets[i + 1]) nulls++;
  } else if (column.present) {
    for (let i = 0; i < column.present.length; i++) if (column.present[i] === 0) nulls++;
  }
  return nulls;
}

/**
 * Exact metrics of a typed column in one pass over its buffer. Dictionary bounds come from the entries
 * actually referenced, so a dictionary shared by several partitions' slices still gives each file its own
 * tight bounds.
 */
export function typedMetrics(type: PrimitiveType, column: TypedColumn): ColumnMetrics {
  const floating = type === 'float' || type === 'double';
  if (column.kind === 'dictionary') return dictionaryMetrics(type, column.dictionary, column.indexes);
  if (column.kind === 'string') return stringMetrics(column.bytes, column.offsets);
  const { values, present } = column;
  let lower = Infinity;
  let upper = -Infinity;
  let nanCount = 0;
  let nullCount = 0;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    if (present !== undefined && present[i] === 0) {
      nullCount++;
      continue;
    }
    const value = values[i]!;
    if (value !== value) {
      if (!floating) integral = false; // NaN is no integer: refused below, never written as 0
      nanCount++;
      continue;
    }
    if (value < lower) lower = value;
    if (value > upper) upper = value;
    if (column.kind === 'int64' && Math.floor(value) !== value) integral = false;
  }
  if (!floating && (!integral || lower < -Number.MAX_SAFE_INTEGER || upper > Number.MAX_SAFE_INTEGER)) {
    throw new TypeError(`an ${column.kind} column holds a value that is not a safe integer`);
  }
  const metrics: ColumnMetrics = { valueCount: values.length, nullCount };
  if (floating) metrics.nanCount = nanCount;
  if (lower <= upper) {
    if (column.kind === 'boolean') {
      metrics.lower = lower === 1;
      metrics.upper = upper === 1;
    } else if (isBigIntType(type)) {
      metrics.lower = BigInt(lower);
      metrics.upper = BigInt(upper);
    } else {
      // -0 and 0 compare equal; the bounds keep the sign that makes them safe (spec).
      metrics.lower = floating && lower === 0 ? -0 : lower;
      metrics.upper = floating && upper === 0 ? 0 : upper;
    }
  }
  return metrics;
}

/** UTF-8 byte order is code point order, so the bounds are found on the records' bytes. */
function stringMetrics(bytes: Uint8Array, offsets: Int32Array): ColumnMetrics {
  const rows = offsets.length - 1;
  let nullCount = 0;
  let lower = -1; // row of the least value so far
  let upper = -1;
  const compare = (a: number, b: number): number => {
    const aStart = offsets[a]! + 4;
    const bStart = offsets[b]! + 4;
    const aLength = offsets[a + 1]! - aStart;
    const bLength = offsets[b + 1]! - bStart;
    const length = Math.min(aLength, bLength);
    for (let k = 0; k < length; k++) {
      const difference = bytes[aStart + k]! - bytes[bStart + k]!;
      if (difference !== 0) return difference;
    }
    return aLength - bLength;
  };
  for (let i = 0; i < rows; i++) {
    if (offsets[i] === offsets[i + 1]) nullCount++;
    else if (lower < 0) lower = upper = i;
    else if (compare(i, lower) < 0) lower = i;
    else if (compare(upper, i) < 0) upper = i;
  }
  const text = (row: number): string => UTF8.decode(bytes.subarray(offsets[row]! + 4, offsets[row + 1]));
  return { valueCount: rows, nullCount, ...(lower < 0 ? {} : { lower: text(lower), upper: text(upper) }) };
}

// ignoreBOM: a value may begin with U+FEFF, and that character is part of it.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

function dictionaryMetrics(
  type: PrimitiveType,
  dictionary: readonly IcebergValue[],
  indexes: Int32Array,
): ColumnMetrics {
  const used = new Uint8Array(dictionary.length);
  let nullCount = 0;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i]!;
    if (index < 0) nullCount++;
    else used[index] = 1;
  }
  const floating = type === 'float' || type === 'double';
  let nanCount = 0;
  let lower: IcebergValue | undefined;
  let upper: IcebergValue | undefined;
  for (let d = 0; d < dictionary.length; d++) {
    if (!used[d]) continue;
    const value = dictionary[d]!;
    if (floating && Number.isNaN(value)) {
      for (let i = 0; i < indexes.length; i++) if (indexes[i] === d) nanCount++;
      continue;
    }
    if (lower === undefined || compareValues(type, value, lower) < 0) lower = value;
    if (upper === undefined || compareValues(type, upper, value) < 0) upper = value;
  }
  if (floating && lower === 0) lower = -0;
  if (floating && upper === 0) upper = 0;
  return {
    valueCount: indexes.length,
    nullCount,
    ...(floating ? { nanCount } : {}),
    ...(lower === undefined ? {} : { lower, upper }),
  };
}

/**
 * The typed column of canonical values (null = NULL) of one type: strings (and floats, which have no
 * typed kind) as a dictionary, longs and timestamps beyond 2^53 too (dictionaries keep bigints exact).
 */
export function typedFromCanonical(type: PrimitiveType, values: ArrayLike<IcebergValue | null>): TypedColumn {
  const n = values.length;
  let present: Uint8Array | undefined;
  const absent = (i: number): boolean => {
    if (values[i] !== null) return false;
    (present ??= new Uint8Array(n).fill(1))[i] = 0;
    return true;
  };
  switch (type) {
    case 'double': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) if (!absent(i)) out[i] = values[i] as number;
      return present ? { kind: 'double', values: out, present } : { kind: 'double', values: out };
    }
    case 'int':
    case 'date': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) if (!absent(i)) out[i] = values[i] as number;
      return present ? { kind: 'int32', values: out, present } : { kind: 'int32', values: out };
    }
    case 'boolean': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (!absent(i)) out[i] = values[i] ? 1 : 0;
      return present ? { kind: 'boolean', values: out, present } : { kind: 'boolean', values: out };
    }
    case 'long':
    case 'timestamp':
    case 'timestamptz': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (absent(i)) continue;
        const value = values[i] as bigint;
        if (value > MAX_SAFE || value < -MAX_SAFE) return dictionaryOf(values);
        out[i] = Number(value);
      }
      return present ? { kind: 'int64', values: out, present } : { kind: 'int64', values: out };
    }
    default:
      return dictionaryOf(values);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function dictionaryOf(values: ArrayLike<IcebergValue | null>): TypedColumn {
  const builder = new DictionaryColumnBuilder();
  for (let i = 0; i < values.length; i++) builder.push(values[i]!);
  return builder.finish();
}

/**
 * Growable typed-array builders for the producers of typed columns (the ETL's appenders). `finish` hands
 * the arrays over as views of the builder's own buffers (no copy: on a million-row batch the copies were a
 * tenth of the ingest, mostly in the garbage collections their memory set off) and starts the builder afresh.
 */
/** Numbers in a Float64Array: doubles, or safe integers for long and timestamp columns (micros). */
class Float64ColumnBuilder {
  private readonly kind: 'double' | 'int64';
  private values = new Float64Array(16_384);
  length = 0;

  constructor(kind: 'double' | 'int64') {
    this.kind = kind;
  }

  push(value: number): void {
    if (this.length === this.values.length) this.values = grow(this.values);
    this.values[this.length++] = value;
  }

  finish(): TypedColumn {
    const values = this.values.subarray(0, this.length);
    this.values = new Float64Array(0);
    this.length = 0;
    return { kind: this.kind, values };
  }
}

export class DoubleColumnBuilder extends Float64ColumnBuilder {
  constructor() {
    super('double');
  }
}

export class Int64ColumnBuilder extends Float64ColumnBuilder {
  constructor() {
    super('int64');
  }
}

/** 32-bit integers for int and date (days) columns; values outside int32 are refused, not wrapped. */
export class Int32ColumnBuilder {
  private values = new Int32Array(16_384);
  length = 0;

  push(value: number): void {
    if ((value | 0) !== value) throw new TypeError(`${value} is not a 32-bit integer`);
    if (this.length === this.values.length) this.values = grow(this.values);
    this.values[this.length++] = value;
  }

  finish(): TypedColumn {
    const values = this.values.subarray(0, this.length);
    this.values = new Int32Array(0);
    this.length = 0;
    return { kind: 'int32', values };
  }
}

/**
 * Strings encoded as they arrive, for columns where nearly every value differs: hashing them into a
 * dictionary would not pay, and keeping the strings would keep the file text they are slices of.
 */
export class StringColumnBuilder {
  private bytes = new Uint8Array(1 << 16);
  private offsets = new Int32Array(16_384);
  private size = 0;
  length = 0;

  push(value: string | null): void {
    if (this.length + 1 === this.offsets.length) this.offsets = grow(this.offsets);
    if (value !== null) {
      if (this.size + 4 + 3 * value.length > this.bytes.length) this.growBytes(4 + 3 * value.length);
      const bytes = this.bytes;
      const start = this.size + 4;
      let length = value.length;
      for (let i = 0; i < value.length; i++) {
        const unit = value.charCodeAt(i);
        if (unit > 0x7f) {
          length = Buffer.from(bytes.buffer, bytes.byteOffset).write(value, start, 'utf8');
          break;
        }
        bytes[start + i] = unit;
      }
      bytes[start - 4] = length & 0xff;
      bytes[start - 3] = (length >>> 8) & 0xff;
      bytes[start - 2] = (length >>> 16) & 0xff;
      bytes[start - 1] = length >>> 24;
      this.size = start + length;
    }
    this.offsets[++this.length] = this.size;
  }

  finish(): TypedColumn {
    const column: TypedColumn = {
      kind: 'string',
      bytes: this.bytes.subarray(0, this.size),
      offsets: this.offsets.subarray(0, this.length + 1),
    };
    this.bytes = new Uint8Array(0);
    this.offsets = new Int32Array(1);
    this.size = 0;
    this.length = 0;
    return column;
  }

  private growBytes(needed: number): void {
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.size + needed));
    bigger.set(this.bytes.subarray(0, this.size));
    this.bytes = bigger;
  }
}

/**
 * A dictionary column: each distinct value once, rows as indexes. The last value is remembered, because
 * tick files come in runs (the same code, date and second many rows in a row) and an equal string is
 * cheaper to compare than to hash.
 */
export class DictionaryColumnBuilder {
  private dictionary: IcebergValue[] = [];
  private positions = new Map<IcebergValue | typeof NEGATIVE_ZERO, number>();
  private indexes = new Int32Array(16_384);
  private lastValue: IcebergValue | null | undefined = undefined;
  private lastIndex = -1;
  length = 0;

  push(value: IcebergValue | null): void {
    let index: number;
    // Object.is, not ===: -0 and 0 are different values to keep (=== and Map keys treat them as one).
    if (Object.is(value, this.lastValue)) index = this.lastIndex;
    else if (value === null) index = -1;
    else {
      const key = Object.is(value, -0) ? NEGATIVE_ZERO : value;
      index = this.positions.get(key) ?? -1;
      if (index < 0) {
        index = this.dictionary.length;
        // A string read from a file is often a slice of a whole decoded chunk, which it keeps alive; the
        // dictionary keeps its own copy (the concatenation forces one) so chunks can be collected.
        const kept = typeof value === 'string' ? (' ' + value).slice(1) : value;
        this.dictionary.push(kept);
        this.positions.set(typeof kept === 'string' ? kept : key, index);
      }
    }
    this.lastValue = value;
    this.lastIndex = index;
    if (this.length === this.indexes.length) this.indexes = grow(this.indexes);
    this.indexes[this.length++] = index;
  }

  finish(): TypedColumn {
    const column: TypedColumn = {
      kind: 'dictionary',
      dictionary: this.dictionary,
      indexes: this.indexes.subarray(0, this.length),
    };
    this.dictionary = [];
    this.positions = new Map();
    this.indexes = new Int32Array(0);
    this.lastValue = undefined;
    this.lastIndex = -1;
    this.length = 0;
    return column;
  }
}

/** The dictionary's map key for -0, which a Map would otherwise file under 0. */
const NEGATIVE_ZERO = Symbol('-0');

/** A typed array twice as long (16,384 at least) with the same contents (builders grow by doubling). */
export function grow<T extends Float64Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(16_384, array.length * 2));
  bigger.set(array);
  return bigger;
}
