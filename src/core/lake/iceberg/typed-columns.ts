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
 *   string     the strings (null = NULL)           string, when nearly every value differs (times as text)
 *   dictionary distinct values + Int32Array index  any type but boolean; index -1 is NULL
 * The numeric and boolean kinds mark NULLs in an optional `present` array (0 = NULL; absent = no NULLs);
 * the value slot of a NULL is ignored.
 */
import { compareCodePoints, compareValues, isBigIntType } from './types.ts';
import type { IcebergValue, PrimitiveType } from './types.ts';
import type { ColumnMetrics } from './metrics.ts';

export type TypedColumn =
  | { kind: 'double'; values: Float64Array; present?: Uint8Array }
  | { kind: 'int32'; values: Int32Array; present?: Uint8Array }
  | { kind: 'int64'; values: Float64Array; present?: Uint8Array }
  | { kind: 'boolean'; values: Uint8Array; present?: Uint8Array }
  | { kind: 'string'; values: readonly (string | null)[] }
  | { kind: 'dictionary'; dictionary: readonly IcebergValue[]; indexes: Int32Array };

/** The kinds whose values sit in a typed array. */
export type ValueColumn = Exclude<TypedColumn, { kind: 'dictionary' | 'string' }>;

/** Rows in a typed column. */
export function typedLength(column: TypedColumn): number {
  return column.kind === 'dictionary' ? column.indexes.length : column.values.length;
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
export function typedValueAt(type: PrimitiveType, column: TypedColumn, i: number): IcebergValue | null {
  if (column.kind === 'dictionary') {
    const index = column.indexes[i]!;
    return index < 0 ? null : column.dictionary[index]!;
  }
  if (column.kind === 'string') return column.values[i]!;
  if (column.present && column.present[i] === 0) return null;
  switch (column.kind) {
    case 'boolean':
      return column.values[i] === 1;
    case 'int64':
      return BigInt(column.values[i]!);
    default:
      return isBigIntType(type) ? BigInt(column.values[i]!) : column.values[i]!;
  }
}

/** The rows at `indexes` of a column, in that order (a partition's slice of a batch). */
export function gatherTyped(column: TypedColumn, indexes: Int32Array): TypedColumn {
  if (column.kind === 'dictionary') {
    const out = new Int32Array(indexes.length);
    for (let i = 0; i < indexes.length; i++) out[i] = column.indexes[indexes[i]!]!;
    return { kind: 'dictionary', dictionary: column.dictionary, indexes: out };
  }
  if (column.kind === 'string')
    return { kind: 'string', values: Array.from(indexes, (i) => column.values[i]!) };
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
    for (const value of column.values) if (value === null) nulls++;
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
  if (column.kind === 'string') return stringMetrics(column.values);
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
      nanCount++;
      continue;
    }
    if (value < lower) lower = value;
    if (value > upper) upper = value;
    if (column.kind === 'int64' && Math.floor(value) !== value) integral = false;
  }
  if (
    column.kind === 'int64' &&
    (!integral || lower < -Number.MAX_SAFE_INTEGER || upper > Number.MAX_SAFE_INTEGER)
  ) {
    throw new TypeError(`an int64 column holds a value that is not a safe integer`);
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

function stringMetrics(values: readonly (string | null)[]): ColumnMetrics {
  let nullCount = 0;
  let lower: string | undefined;
  let upper: string | undefined;
  for (const value of values) {
    if (value === null) nullCount++;
    else if (lower === undefined || upper === undefined) lower = upper = value;
    else if (compareCodePoints(value, lower) < 0) lower = value;
    else if (compareCodePoints(upper, value) < 0) upper = value;
  }
  return { valueCount: values.length, nullCount, ...(lower === undefined ? {} : { lower, upper }) };
}

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

/** Growable typed-array builders for the producers of typed columns (the ETL's appenders). */
export class DoubleColumnBuilder {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) this.values = grow(this.values);
    this.values[this.length++] = value;
  }

  finish(): TypedColumn {
    return { kind: 'double', values: this.values.slice(0, this.length) };
  }
}

/** Safe integers for long and timestamp columns (micros). */
export class Int64ColumnBuilder {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) this.values = grow(this.values);
    this.values[this.length++] = value;
  }

  finish(): TypedColumn {
    return { kind: 'int64', values: this.values.slice(0, this.length) };
  }
}

/** 32-bit integers for int and date (days) columns; values outside int32 are refused, not wrapped. */
export class Int32ColumnBuilder {
  private values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if ((value | 0) !== value) throw new TypeError(`${value} is not a 32-bit integer`);
    if (this.length === this.values.length) this.values = grow(this.values);
    this.values[this.length++] = value;
  }

  finish(): TypedColumn {
    return { kind: 'int32', values: this.values.slice(0, this.length) };
  }
}

/** Strings kept as they are, for columns where nearly every value differs (hashing them would not pay). */
export class StringColumnBuilder {
  private readonly values: (string | null)[] = [];

  get length(): number {
    return this.values.length;
  }

  push(value: string | null): void {
    this.values.push(value);
  }

  finish(): TypedColumn {
    return { kind: 'string', values: this.values };
  }
}

/**
 * A dictionary column: each distinct value once, rows as indexes. The last value is remembered, because
 * tick files come in runs (the same code, date and second many rows in a row) and an equal string is
 * cheaper to compare than to hash.
 */
export class DictionaryColumnBuilder {
  private readonly dictionary: IcebergValue[] = [];
  private readonly positions = new Map<IcebergValue, number>();
  private indexes = new Int32Array(1024);
  private lastValue: IcebergValue | null | undefined = undefined;
  private lastIndex = -1;
  length = 0;

  push(value: IcebergValue | null): void {
    let index: number;
    if (value === this.lastValue) index = this.lastIndex;
    else if (value === null) index = -1;
    else {
      index = this.positions.get(value) ?? -1;
      if (index < 0) {
        index = this.dictionary.length;
        // A string read from a file is often a slice of a whole decoded chunk, which it keeps alive; the
        // dictionary keeps its own copy (the concatenation forces one) so chunks can be collected.
        const kept = typeof value === 'string' ? (' ' + value).slice(1) : value;
        this.dictionary.push(kept);
        this.positions.set(kept, index);
      }
    }
    this.lastValue = value;
    this.lastIndex = index;
    if (this.length === this.indexes.length) this.indexes = grow(this.indexes);
    this.indexes[this.length++] = index;
  }

  finish(): TypedColumn {
    return {
      kind: 'dictionary',
      dictionary: [...this.dictionary],
      indexes: this.indexes.slice(0, this.length),
    };
  }
}

function grow<T extends Float64Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
