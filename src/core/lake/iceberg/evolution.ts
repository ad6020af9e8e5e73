/**
 * Schema and partition evolution (spec, "Schema Evolution" and "Partition Evolution"): bringing an
 * existing table up to the definition the code now has, as a metadata-only commit.
 *
 * - Columns the definition has and the table lacks (by field id) are added at the end, under a new schema
 *   id. They must be optional: data files written before have no such column, and every reader (ours,
 *   PyIceberg, DuckDB, Athena) reads a column a file predates as null.
 * - A partition spec that differs from the table's default becomes a new spec with the next spec id and
 *   the new default. Partition field ids are kept for fields (same source column and transform) that an
 *   earlier spec already had, and new ones continue from `last-partition-id`, so no id is ever reused for
 *   another meaning. Old specs stay in the metadata: every existing manifest names the spec its files were
 *   written with, so old data files keep their layout and old snapshots read exactly as before. Only
 *   files written from now on use the new spec.
 *
 * Renames, type changes and dropped columns are not evolutions this code makes; a definition that would
 * need one fails loudly instead of writing a table other readers misread.
 */
import { highestPartitionFieldId } from './partition.ts';
import type { PartitionField, PartitionSpec } from './partition.ts';
import { currentSchema, defaultSpec } from './metadata.ts';
import type { TableMetadata } from './metadata.ts';
import { validateSchema } from './schema.ts';
import type { Schema } from './schema.ts';

export interface TableDefinition {
  schema: Schema;
  spec: PartitionSpec;
}

/**
 * The metadata with the definition's new columns and partition spec applied, or undefined when the table
 * already matches it. `nowMs` becomes `last-updated-ms` (kept strictly increasing).
 */
export function evolveMetadata(
  metadata: TableMetadata,
  definition: TableDefinition,
  nowMs: number,
): TableMetadata | undefined {
  let next = metadata;
  const schema = evolvedSchema(metadata, definition.schema);
  if (schema) {
    next = {
      ...next,
      schemas: [...next.schemas, schema],
      'current-schema-id': schema['schema-id'],
      'last-column-id': Math.max(next['last-column-id'], ...schema.fields.map((f) => f.id)),
    };
  }
  const spec = evolvedSpec(next, definition.spec);
  if (spec) {
    const known = next['partition-specs'].some((s) => s['spec-id'] === spec['spec-id']);
    next = {
      ...next,
      'partition-specs': known ? next['partition-specs'] : [...next['partition-specs'], spec],
      'default-spec-id': spec['spec-id'],
      'last-partition-id': Math.max(next['last-partition-id'], highestPartitionFieldId(spec)),
    };
  }
  if (next === metadata) return undefined;
  return { ...next, 'last-updated-ms': Math.max(nowMs, metadata['last-updated-ms'] + 1) };
}

/** The current schema plus the definition's missing columns, or undefined when none is missing. */
function evolvedSchema(metadata: TableMetadata, wanted: Schema): Schema | undefined {
  const current = currentSchema(metadata);
  const byId = new Map(current.fields.map((field) => [field.id, field]));
  for (const field of wanted.fields) {
    const existing = byId.get(field.id);
    if (existing && (existing.name !== field.name || existing.type !== field.type)) {
      throw new TypeError(
        `column ${field.id} is ${existing.name} ${existing.type} in the table but ${field.name} ${field.type} in the definition: renames and type changes are not supported`,
      );
    }
  }
  const missing = wanted.fields.filter((field) => !byId.has(field.id));
  if (missing.length === 0) return undefined;
  const required = missing.find((field) => field.required);
  if (required) {
    throw new TypeError(
      `column ${required.name} cannot be added as required: the table's existing data files have no values for it`,
    );
  }
  const taken = new Set(current.fields.map((field) => field.name));
  const clash = missing.find((field) => taken.has(field.name));
  if (clash) throw new TypeError(`column ${clash.name} exists with another id (${clash.id} is new)`);
  const schema: Schema = {
    type: 'struct',
    'schema-id': Math.max(...metadata.schemas.map((s) => s['schema-id'])) + 1,
    fields: [...current.fields, ...missing],
  };
  validateSchema(schema);
  return schema;
}

/**
 * The spec to make the default: undefined when the default already partitions as `wanted` does, an
 * earlier spec that does, or a new spec with the next id.
 */
function evolvedSpec(metadata: TableMetadata, wanted: PartitionSpec): PartitionSpec | undefined {
  if (samePartitioning(defaultSpec(metadata), wanted)) return undefined;
  const earlier = metadata['partition-specs'].find((spec) => samePartitioning(spec, wanted));
  if (earlier) return earlier;
  const schema = currentSchema(metadata);
  const previous = metadata['partition-specs'].flatMap((spec) => spec.fields);
  let lastId = metadata['last-partition-id'];
  const fields = wanted.fields.map((field): PartitionField => {
    if (!schema.fields.some((f) => f.id === field['source-id'])) {
      throw new TypeError(`partition field ${field.name}: column ${field['source-id']} is not in the table`);
    }
    const reused = previous.find(
      (p) =>
        p['source-id'] === field['source-id'] && p.transform === field.transform && p.name === field.name,
    );
    return { ...field, 'field-id': reused ? reused['field-id'] : ++lastId };
  });
  return {
    'spec-id': Math.max(...metadata['partition-specs'].map((s) => s['spec-id'])) + 1,
    fields,
  };
}

/** Same fields in the same order (source column, transform, name); field ids do not matter here. */
function samePartitioning(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((field, i) => {
      const other = b.fields[i]!;
      return (
        field['source-id'] === other['source-id'] &&
        field.transform === other.transform &&
        field.name === other.name
      );
    })
  );
}
