/**
 * Partition specs (spec, "Partitioning"): each partition field derives a value from one source column
 * through a transform. We support `identity` and `day` (on date, timestamp and timestamptz), the two the
 * tick tables need. Partition field ids start at 1000, as in every Iceberg implementation, so they can
 * never collide with column ids in manifests.
 */
import { fieldByName } from './schema.ts';
import type { Schema } from './schema.ts';
import { MICROS_PER_DAY, isoDateFromDays } from './types.ts';
import type { IcebergValue, PrimitiveType } from './types.ts';

export type Transform = 'identity' | 'day';

export interface PartitionField {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: Transform;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

/** A data file's partition tuple, keyed by partition field name (the shape of the Avro `partition` struct). */
export type PartitionValues = Record<string, IcebergValue | null>;

export const FIRST_PARTITION_FIELD_ID = 1000;

export interface PartitionFieldDefinition {
  /** Source column name. */
  column: string;
  transform: Transform;
  /** Defaults to the column name for identity and `<column>_day` for day, as Spark and PyIceberg name them. */
  name?: string;
}

export function definePartitionSpec(
  schema: Schema,
  fields: PartitionFieldDefinition[],
  specId = 0,
): PartitionSpec {
  const names = new Set(schema.fields.map((f) => f.name));
  const spec: PartitionSpec = {
    'spec-id': specId,
    fields: fields.map(({ column, transform, name }, i) => {
      const source = fieldByName(schema, column);
      const fieldName = name ?? (transform === 'identity' ? column : `${column}_${transform}`);
      if (transform === 'day' && !['date', 'timestamp', 'timestamptz'].includes(source.type)) {
        throw new TypeError(`day() needs a date or timestamp column, ${column} is ${source.type}`);
      }
      if (transform !== 'identity' && transform !== 'day') {
        throw new TypeError(`unsupported partition transform ${JSON.stringify(transform)}`);
      }
      // A non-identity partition field may not shadow a column name (readers would confuse the two).
      if (transform !== 'identity' && names.has(fieldName)) {
        throw new TypeError(`partition field name ${fieldName} is also a column name`);
      }
      return { 'source-id': source.id, 'field-id': FIRST_PARTITION_FIELD_ID + i, name: fieldName, transform };
    }),
  };
  if (new Set(spec.fields.map((f) => f.name)).size !== spec.fields.length) {
    throw new TypeError('partition field names must be unique');
  }
  return spec;
}

export function unpartitioned(specId = 0): PartitionSpec {
  return { 'spec-id': specId, fields: [] };
}

/** The highest partition field id, or 999 when there are none (Iceberg's `last-partition-id` rule). */
export function highestPartitionFieldId(spec: PartitionSpec): number {
  return Math.max(FIRST_PARTITION_FIELD_ID - 1, ...spec.fields.map((f) => f['field-id']));
}

export function sourceType(schema: Schema, field: PartitionField): PrimitiveType {
  const source = schema.fields.find((f) => f.id === field['source-id']);
  if (!source)
    throw new TypeError(`partition field ${field.name}: source column ${field['source-id']} is gone`);
  return source.type;
}

/** The type of a partition value: the source type for identity, `date` for day. */
export function resultType(schema: Schema, field: PartitionField): PrimitiveType {
  return field.transform === 'day' ? 'date' : sourceType(schema, field);
}

/** Applies a transform to a canonical, non-null source value. */
export function applyTransform(transform: Transform, type: PrimitiveType, value: IcebergValue): IcebergValue {
  if (transform === 'identity') return value;
  if (type === 'date') return value;
  return Number(floorDiv(value as bigint, MICROS_PER_DAY));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The Hive-style folder of a partition, e.g. `ts_day=2024-08-08/side=B`, as Iceberg's Java and Python
 * writers lay data files out (the layout is only a convention: readers use the manifests).
 */
export function partitionPath(spec: PartitionSpec, schema: Schema, values: PartitionValues): string {
  return spec.fields
    .map((field) => {
      const value = values[field.name] ?? null;
      const text =
        value === null
          ? 'null'
          : resultType(schema, field) === 'date'
            ? isoDateFromDays(value as number)
            : String(value);
      return `${field.name}=${encodeURIComponent(text)}`;
    })
    .join('/');
}
