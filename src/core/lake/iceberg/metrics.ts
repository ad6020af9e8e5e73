/**
 * Column metrics of a data file, computed from the values we write rather than read back from the Parquet
 * footer, so they are exact whatever the Parquet writer does with statistics. Readers (ours, Athena,
 * PyIceberg, DuckDB) skip files with them: a file whose [lower, upper] range cannot satisfy a predicate is
 * never opened.
 *
 * Bounds are not truncated: Iceberg's default metrics mode truncates strings to 16 characters, but that is
 * an optimisation, and whole values are valid bounds (our string columns are short codes and paths).
 */
import { compareCodePoints, serializeValue } from './types.ts';
import type { IcebergValue, PrimitiveType } from './types.ts';

export interface ColumnMetrics {
  valueCount: number;
  nullCount: number;
  /** NaN count, for float and double only. */
  nanCount?: number;
  lower?: IcebergValue;
  upper?: IcebergValue;
}

/** Metrics of one column's canonical values (null = SQL NULL). */
export function columnMetrics(type: PrimitiveType, values: ArrayLike<IcebergValue | null>): ColumnMetrics {
  const floating = type === 'float' || type === 'double';
  let nullCount = 0;
  let nanCount = 0;
  let lower: IcebergValue | undefined;
  let upper: IcebergValue | undefined;
  const less =
    type === 'string'
      ? (a: IcebergValue, b: IcebergValue) => compareCodePoints(a as string, b as string) < 0
      : type === 'boolean'
        ? (a: IcebergValue, b: IcebergValue) => Number(a) < Number(b)
        : (a: IcebergValue, b: IcebergValue) => a < b;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      nullCount++;
      continue;
    }
    // Columns repeat values (a file's codes, its source path): an equal value cannot move a bound, and
    // the equality test is far cheaper than an ordering of long equal strings.
    if (value === lower || value === upper) continue;
    if (floating && Number.isNaN(value)) {
      nanCount++; // NaN orders nowhere: counted, never a bound
      continue;
    }
    if (lower === undefined || less(value, lower)) lower = value;
    if (upper === undefined || less(upper, value)) upper = value;
  }
  // -0 and 0 compare equal; the spec asks bounds to keep the sign that makes them safe.
  if (floating && lower === 0) lower = -0;
  if (floating && upper === 0 && Object.is(upper, -0)) upper = 0;
  return {
    valueCount: values.length,
    nullCount,
    ...(floating ? { nanCount } : {}),
    ...(lower === undefined ? {} : { lower, upper }),
  };
}

/** Serialized bounds for the manifest (single-value binary form). */
export function serializedBounds(
  type: PrimitiveType,
  metrics: ColumnMetrics,
): { lower: Uint8Array; upper: Uint8Array } | undefined {
  if (metrics.lower === undefined || metrics.upper === undefined) return undefined;
  return { lower: serializeValue(type, metrics.lower), upper: serializeValue(type, metrics.upper) };
}
