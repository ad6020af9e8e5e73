/**
 * Settings addressed by dotted keys (`gamma`, `volatility.method`, `regimes.presets.high_vol.gamma`),
 * checked and typed by the zod schema of the settings they belong to — one schema per strategy, risk and
 * fee configuration, defined beside the configuration itself. From the schema come: which keys exist (an
 * unknown key is an error naming what does), each value's type (text from a command line is parsed by
 * it; a number or boolean from a study must already have it and is kept as it is, never turned into text
 * and back), its bounds, and the error messages. The CLI's `--param`, a study's search space and fixed
 * values, and any other configuration built from pairs all go through here.
 */
import { z } from 'zod';

/** A setting's value as given: text from the command line, or a number or boolean (a study's). */
export type ParamInput = string | number | boolean;

/** A group of settings: an object schema whose fields are optional (a partial configuration). */
export type SettingsSchema = z.ZodObject;

/** A number, or ±Infinity (zod's `z.number()` refuses infinite values; limits use Infinity for "none"). */
export function numberOrInfinity() {
  return z.union([z.number(), z.literal(Infinity), z.literal(-Infinity)]);
}

type LeafKind = 'number' | 'boolean' | 'string' | { enum: readonly string[] };

/** The schema inside optional/default/nullable/readonly wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = s.def as { type: string; innerType?: z.ZodType };
    if (
      def.innerType !== undefined &&
      ['optional', 'default', 'nullable', 'readonly', 'prefault'].includes(def.type)
    )
      s = def.innerType;
    else return s;
  }
}

function leafKind(schema: z.ZodType): LeafKind | 'group' | 'list' | undefined {
  const s = unwrap(schema);
  const def = s.def as { type: string; options?: readonly z.ZodType[]; values?: readonly unknown[] };
  switch (def.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'enum':
      return { enum: (s as z.ZodEnum).options as readonly string[] };
    case 'literal':
      return def.values!.every((v) => typeof v === 'number') ? 'number' : undefined;
    case 'union':
      return def.options!.every((o) => leafKind(o) === 'number') ? 'number' : undefined;
    case 'object':
    case 'record':
      return 'group';
    case 'array':
      return 'list';
    default:
      return undefined;
  }
}

/** The field names of a group (an object's keys, or a record's enumerated keys), sorted. */
function fieldsOf(schema: z.ZodType): string[] | undefined {
  const s = unwrap(schema);
  if (s.def.type === 'object') return Object.keys((s as z.ZodObject).shape).sort();
  if (s.def.type === 'record') {
    const keys = unwrap((s as z.ZodRecord).keyType as z.ZodType);
    return keys.def.type === 'enum' ? [...((keys as z.ZodEnum).options as string[])].sort() : undefined;
  }
  return undefined;
}

/** The schema of field `part` of a group; undefined when the group has no such field. */
function fieldOf(schema: z.ZodType, part: string): z.ZodType | undefined {
  const s = unwrap(schema);
  if (s.def.type === 'object') {
    const shape = (s as z.ZodObject).shape as Record<string, z.ZodType>;
    return Object.hasOwn(shape, part) ? shape[part] : undefined;
  }
  if (s.def.type === 'record') {
    const record = s as z.ZodRecord;
    const fields = fieldsOf(record);
    if (fields !== undefined && !fields.includes(part)) return undefined;
    return record.valueType as z.ZodType;
  }
  return undefined;
}

/**
 * Sets `parts` (a key inside `group`, e.g. ['volatility', 'method']) in `target` to `raw` typed by the
 * schema. `key` and `groupName` are for the messages.
 */
export function setParam(
  target: Record<string, unknown>,
  schema: SettingsSchema,
  groupName: string,
  key: string,
  parts: readonly string[],
  raw: ParamInput,
): void {
  if (parts.length === 0 || parts.some((part) => part === ''))
    throw new RangeError(`bad parameter name ${JSON.stringify(key)}`);
  let node = target;
  let current: z.ZodType = schema;
  for (const [depth, part] of parts.entries()) {
    const field = fieldOf(current, part);
    if (field === undefined) {
      const fields = fieldsOf(current);
      const known = fields === undefined ? '(none: not a group)' : fields.join(', ');
      const where = parts.slice(0, depth).join('.');
      throw new RangeError(
        `unknown parameter ${JSON.stringify(key)}: ${where ? `${where} has` : `${groupName} settings are`} ${known}`,
      );
    }
    current = field;
    if (depth < parts.length - 1) node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts.at(-1)!] = typed(key, raw, current);
}

/** The value as its setting's type: text is parsed; a number or boolean must already have the type. */
function typed(key: string, value: ParamInput, schema: z.ZodType): unknown {
  const kind = leafKind(schema);
  const name = JSON.stringify(key);
  if (kind === 'group')
    throw new RangeError(
      `parameter ${name} is a group: set one of its fields (${fieldsOf(schema)!.join(', ')})`,
    );
  if (kind === 'list') throw new RangeError(`parameter ${name} is a list and cannot be set with --param`);
  if (kind === undefined) throw new RangeError(`parameter ${name} cannot be set with --param`);
  if (typeof kind === 'object') {
    if (typeof value === 'string' && kind.enum.includes(value)) return value;
    throw new RangeError(`parameter ${name} is one of ${kind.enum.join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (typeof value !== 'string') {
    if (typeof value !== kind || Number.isNaN(value))
      throw new RangeError(`parameter ${name} takes a ${kind}, got ${String(value)}`);
    return value;
  }
  if (kind === 'boolean') {
    if (value === 'true' || value === 'false') return value === 'true';
    throw new RangeError(`parameter ${name} takes true or false, got ${JSON.stringify(value)}`);
  }
  if (kind === 'string') return value;
  const number =
    value === 'Infinity'
      ? Infinity
      : value === '-Infinity'
        ? -Infinity
        : value.trim() === ''
          ? NaN
          : Number(value);
  if (Number.isNaN(number))
    throw new RangeError(`parameter ${name} takes a number, got ${JSON.stringify(value)}`);
  return number;
}

/**
 * Checks a partial configuration against its schema; throws a RangeError naming the first bad setting
 * (`prefix` + its dotted path), its value and what is wrong with it ("gamma -1 must be ≥ 0"). Returns the
 * parsed (typed) value.
 */
export function checkSettings<T extends SettingsSchema>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = prefix + issue.path.map(String).join('.');
  let given: unknown = value;
  for (const part of issue.path) given = (given as Record<PropertyKey, unknown> | undefined)?.[part];
  const shown =
    typeof given === 'number' || typeof given === 'boolean' ? String(given) : JSON.stringify(given);
  throw new RangeError(path === '' ? issue.message : `${path} ${shown} ${issue.message}`);
}

/** Every settable key of a schema (dotted; records with enumerated keys expanded), for docs and listings. */
export function paramKeys(schema: z.ZodType, prefix = ''): string[] {
  const keys: string[] = [];
  for (const field of fieldsOf(schema) ?? []) {
    const child = fieldOf(schema, field)!;
    const kind = leafKind(child);
    if (kind === 'group') {
      const inner = unwrap(child);
      if (inner.def.type === 'object' || fieldsOf(inner) !== undefined)
        keys.push(...paramKeys(inner, `${prefix}${field}.`));
      else keys.push(`${prefix}${field}.<name>`);
    } else if (kind !== 'list' && kind !== undefined) keys.push(prefix + field);
  }
  return keys;
}
