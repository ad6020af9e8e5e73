/**
 * Simple filters: a conjunction of `column op value` comparisons. Used three ways, from coarse to fine:
 *   1. manifests: partition-field bounds in the manifest list,
 *   2. data files: partition values, then the column lower/upper bounds and null counts,
 *   3. rows: the residual check on each row read.
 * A comparison with NULL is never true (SQL semantics), so files and partitions holding only nulls for a
 * filtered column are skipped too.
 */
import { applyTransform, resultType, sourceType } from './partition.ts';
import type { PartitionField, PartitionSpec } from './partition.ts';
import { fieldByName } from './schema.ts';
import type { Schema, SchemaField } from './schema.ts';
import { compareValues, toCanonical } from './types.ts';
import type { IcebergValue, PrimitiveType, Row } from './types.ts';

export type ComparisonOp = '=' | '<' | '<=' | '>' | '>=';

export interface Predicate {
  column: string;
  op: ComparisonOp;
  value: IcebergValue;
}

/** A predicate resolved against a schema: its field, and the value in the field's canonical form. */
export interface BoundPredicate {
  field: SchemaField;
  op: ComparisonOp;
  value: IcebergValue;
}

const OPS: readonly ComparisonOp[] = ['=', '<', '<=', '>', '>='];

export function bindFilter(schema: Schema, filter: readonly Predicate[] = []): BoundPredicate[] {
  return filter.map(({ column, op, value }) => {
    if (!OPS.includes(op)) throw new TypeError(`unsupported operator ${JSON.stringify(op)}`);
    const field = fieldByName(schema, column);
    return { field, op, value: toCanonical(field.type, value, `filter on ${column}`) };
  });
}

function holds(type: PrimitiveType, op: ComparisonOp, left: IcebergValue, right: IcebergValue): boolean {
  // NaN matches no comparison (IEEE 754 semantics); bounds never hold NaN either.
  if (Number.isNaN(left) || Number.isNaN(right)) return false;
  const order = compareValues(type, left, right);
  switch (op) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

export function rowMatches(filter: readonly BoundPredicate[], row: Row): boolean {
  return filter.every(({ field, op, value }) => {
    const actual = row[field.name];
    return actual !== null && actual !== undefined && holds(field.type, op, actual, value);
  });
}

/**
 * Could some value in [lower, upper] satisfy `x op value`? Missing bounds mean "unknown": yes. NaN
 * predicate values never prune (bounds exclude NaN).
 */
export function rangeMightMatch(
  type: PrimitiveType,
  op: ComparisonOp,
  value: IcebergValue,
  lower: IcebergValue | undefined,
  upper: IcebergValue | undefined,
): boolean {
  if (Number.isNaN(value)) return true;
  const aboveLower = (strict: boolean) =>
    lower === undefined || compareValues(type, lower, value) < (strict ? 0 : 1);
  const belowUpper = (strict: boolean) =>
    upper === undefined || compareValues(type, upper, value) > (strict ? 0 : -1);
  switch (op) {
    case '=':
      return aboveLower(false) && belowUpper(false);
    case '<':
      return aboveLower(true);
    case '<=':
      return aboveLower(false);
    case '>':
      return belowUpper(true);
    case '>=':
      return belowUpper(false);
  }
}

/** A predicate on a source column, restated on one partition field (an "inclusive projection"). */
export interface PartitionPredicate {
  field: PartitionField;
  type: PrimitiveType;
  op: ComparisonOp;
  value: IcebergValue;
}

/**
 * Projects source-column predicates onto the spec's partition fields. Identity keeps the predicate.
 * day() is monotonic but lossy, so a strict comparison becomes an inclusive one on the neighbouring
 * source value (the source types of day() are integers: days or microseconds):
 *   ts < t ⇒ day(ts) <= day(t - 1)        ts > t ⇒ day(ts) >= day(t + 1)
 * which is exact at day boundaries (ts < midnight excludes that day), as Iceberg's Java projection does.
 */
export function projectFilter(
  schema: Schema,
  spec: PartitionSpec,
  filter: readonly BoundPredicate[],
): PartitionPredicate[] {
  const projected: PartitionPredicate[] = [];
  for (const predicate of filter) {
    for (const field of spec.fields) {
      if (field['source-id'] !== predicate.field.id) continue;
      const type = sourceType(schema, field);
      let { op, value } = predicate;
      if (field.transform !== 'identity' && (op === '<' || op === '>')) {
        value = neighbour(value, op === '<' ? -1 : 1);
        op = op === '<' ? '<=' : '>=';
      }
      projected.push({
        field,
        type: resultType(schema, field),
        op,
        value: applyTransform(field.transform, type, value),
      });
    }
  }
  return projected;
}

function neighbour(value: IcebergValue, step: -1 | 1): IcebergValue {
  return typeof value === 'bigint' ? value + BigInt(step) : (value as number) + step;
}

export function partitionMightMatch(
  projected: readonly PartitionPredicate[],
  partition: Record<string, IcebergValue | null>,
): boolean {
  return projected.every(({ field, type, op, value }) => {
    const actual = partition[field.name] ?? null;
    return actual !== null && holds(type, op, actual, value);
  });
}
