/**
 * Table schemas in Iceberg's JSON form (spec, "Schemas"): a struct of fields, each with a table-unique
 * field id. Readers match Parquet columns and Avro fields to the table by these ids, never by name, which
 * is what makes renames and re-ordering safe later. Only flat structs of primitive fields for now.
 */
import { PRIMITIVE_TYPES } from './types.ts';
import type { PrimitiveType } from './types.ts';

export interface SchemaField {
  id: number;
  name: string;
  required: boolean;
  type: PrimitiveType;
  doc?: string;
}

export interface Schema {
  type: 'struct';
  'schema-id': number;
  fields: SchemaField[];
}

/** A field as callers describe it; `required` defaults to false (nullable), as in Iceberg DDL. */
export interface FieldDefinition {
  id: number;
  name: string;
  type: PrimitiveType;
  required?: boolean;
  doc?: string;
}

/** Builds and validates a schema: ids positive and unique, names non-empty and unique, types known. */
export function defineSchema(fields: FieldDefinition[], schemaId = 0): Schema {
  const schema: Schema = {
    type: 'struct',
    'schema-id': schemaId,
    fields: fields.map(({ id, name, type, required = false, doc }) => ({
      id,
      name,
      required,
      type,
      ...(doc === undefined ? {} : { doc }),
    })),
  };
  validateSchema(schema);
  return schema;
}

export function validateSchema(schema: Schema): void {
  if (schema.fields.length === 0) throw new TypeError('a schema needs at least one field');
  const ids = new Set<number>();
  const names = new Set<string>();
  for (const field of schema.fields) {
    if (!Number.isInteger(field.id) || field.id <= 0) {
      throw new TypeError(`field ${field.name}: id must be a positive integer, got ${field.id}`);
    }
    if (ids.has(field.id)) throw new TypeError(`field id ${field.id} is used twice`);
    if (!field.name) throw new TypeError(`field ${field.id} has an empty name`);
    if (names.has(field.name)) throw new TypeError(`field name ${field.name} is used twice`);
    if (!PRIMITIVE_TYPES.includes(field.type)) {
      throw new TypeError(`field ${field.name}: unsupported type ${JSON.stringify(field.type)}`);
    }
    ids.add(field.id);
    names.add(field.name);
  }
}

export function fieldByName(schema: Schema, name: string): SchemaField {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) throw new TypeError(`no column ${JSON.stringify(name)} in the table schema`);
  return field;
}

export function fieldById(schema: Schema, id: number): SchemaField | undefined {
  return schema.fields.find((f) => f.id === id);
}

export function highestFieldId(schema: Schema): number {
  return Math.max(...schema.fields.map((f) => f.id));
}
