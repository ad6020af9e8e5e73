/**
 * Avro object container files (the format of Iceberg manifests and manifest lists), encoded with avsc.
 *
 * We write the container ourselves (magic, metadata map, sync marker, blocks) and use avsc only to encode
 * and decode records, for two reasons the platform notes record:
 *   1. avsc's file encoder, given a compiled type, writes the *compiled* schema into the header, and that
 *      drops Iceberg's `field-id` / `element-id` attributes. Readers such as PyIceberg resolve manifest
 *      fields by those ids, so the header must carry the raw schema JSON exactly as written.
 *   2. avsc decodes Avro longs as JS numbers and refuses values beyond 2^53; snapshot ids are random
 *      63-bit numbers. Every `long` here is a BigInt (a custom long type registered for the whole schema).
 * Blocks are deflate-compressed (Avro's standard codec, what Iceberg's Java writer uses by default).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import avsc from 'avsc';
import type { Type } from 'avsc';

/** An Avro schema as JSON, with any extra attributes (field-id, element-id, logicalType…) kept. */
export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

export type AvroCodec = 'null' | 'deflate';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1

const HEADER = avsc.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});

/** Block counts and sizes: plain longs, always small. */
const BLOCK_LONG = avsc.Type.forSchema('long');

/** Avro long ⇄ BigInt, exact over the whole signed 64-bit range. */
const BIGINT_LONG = avsc.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(value);
    return buffer;
  },
  fromJSON: (json: number | string) => BigInt(json),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/**
 * Compiles a schema with BigInt longs: bare `"long"` through the registry, and `{"type": "long", …}`
 * (longs with a logical type, such as timestamp-micros) through the type hook, which avsc would otherwise
 * compile to its number-based long. (The registry fills up with the schema's names: one per call.)
 */
export function compileSchema(schema: AvroSchema): Type {
  return avsc.Type.forSchema(schema as Parameters<typeof avsc.Type.forSchema>[0], {
    registry: { long: BIGINT_LONG },
    typeHook: (candidate) =>
      typeof candidate === 'object' &&
      !Array.isArray(candidate) &&
      (candidate as { type?: unknown }).type === 'long'
        ? BIGINT_LONG
        : undefined,
  });
}

export interface AvroFileContents<T> {
  /** The writer's schema, parsed from the header (attributes intact). */
  schema: AvroSchema;
  /** User metadata from the header (avro.* keys removed). */
  metadata: Record<string, string>;
  records: T[];
}

/**
 * Encodes records into one Avro container file. `metadata` becomes header keys next to `avro.schema`
 * (the raw JSON of `schema`) and `avro.codec`.
 */
export function writeAvroFile(
  schema: AvroSchema,
  records: readonly unknown[],
  metadata: Record<string, string> = {},
  codec: AvroCodec = 'deflate',
): Uint8Array {
  const type = compileSchema(schema);
  const meta: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value, 'utf8');
  meta['avro.schema'] = Buffer.from(JSON.stringify(schema), 'utf8');
  meta['avro.codec'] = Buffer.from(codec, 'utf8');
  const sync = Buffer.from(crypto.getRandomValues(new Uint8Array(16)));
  const parts: Buffer[] = [HEADER.toBuffer({ magic: MAGIC, meta, sync })];
  if (records.length > 0) {
    const raw = Buffer.concat(records.map((record) => type.toBuffer(record)));
    const data = codec === 'deflate' ? deflateRawSync(raw) : raw;
    parts.push(BLOCK_LONG.toBuffer(records.length), BLOCK_LONG.toBuffer(data.length), data, sync);
  }
  const file = Buffer.concat(parts);
  return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
}

/** Decodes a whole Avro container file with its own (writer) schema. */
export function readAvroFile<T = Record<string, unknown>>(bytes: Uint8Array): AvroFileContents<T> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = HEADER.decode(buffer, 0);
  if (header.offset < 0) throw new Error('not an Avro file: truncated header');
  const { magic, meta, sync } = header.value as { magic: Buffer; meta: Record<string, Buffer>; sync: Buffer };
  if (!magic.equals(MAGIC)) throw new Error('not an Avro file: bad magic');
  const schemaText = meta['avro.schema']?.toString('utf8');
  if (!schemaText) throw new Error('Avro file without avro.schema');
  const codec = meta['avro.codec']?.toString('utf8') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new Error(`unsupported Avro codec ${codec}`);
  const schema = JSON.parse(schemaText) as AvroSchema;
  const type = compileSchema(schema);

  const records: T[] = [];
  let offset = header.offset;
  while (offset < buffer.length) {
    const count = BLOCK_LONG.decode(buffer, offset);
    const size = BLOCK_LONG.decode(buffer, count.offset);
    if (count.offset < 0 || size.offset < 0) throw new Error('truncated Avro block header');
    const start = size.offset;
    const end = start + (size.value as number);
    if (end + 16 > buffer.length) throw new Error('truncated Avro block');
    const raw = buffer.subarray(start, end);
    const data = codec === 'deflate' ? inflateRawSync(raw) : raw;
    let position = 0;
    for (let i = 0; i < (count.value as number); i++) {
      const decoded = type.decode(data, position);
      if (decoded.offset < 0) throw new Error('truncated Avro record');
      records.push(decoded.value as T);
      position = decoded.offset;
    }
    if (!buffer.subarray(end, end + 16).equals(sync)) throw new Error('Avro sync marker mismatch');
    offset = end + 16;
  }

  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (!key.startsWith('avro.')) metadata[key] = value.toString('utf8');
  }
  return { schema, metadata, records };
}
