/**
 * Bronze and silver ticks built straight into typed columns (typed-columns.ts: numbers in typed arrays,
 * strings as dictionary indexes, schema order) rather than as one object per row: on a million-tick file
 * that is most of the ETL's garbage avoided, and the Parquet encoder copies the buffers as they are.
 * `rows.ts` holds the same mappings row by row; a unit test checks both give identical tables.
 */
import { decodeKrxCode } from '../../market/krx-code.ts';
import { expiryDate } from '../../market/krx-calendar.ts';
import { KST_OFFSET_MS, kstDateOf } from '../../market/kst.ts';
import type { TickRow } from '../../xml/krx-rows.ts';
import {
  DictionaryColumnBuilder,
  DoubleColumnBuilder,
  Int32ColumnBuilder,
  Int64ColumnBuilder,
  StringColumnBuilder,
  daysFromIsoDate,
} from '../iceberg/index.ts';
import type { Schema, SchemaField, TypedColumn } from '../iceberg/index.ts';
import type { BRONZE_TICKS, LakeTable, SILVER_TICKS } from '../tables.ts';
import type { SourceInfo } from './rows.ts';

/** A string column (dictionary or plain) as an appender sees it. */
interface StringColumn {
  push(value: string | null): void;
}

/** A numeric column (double, int, long or timestamp micros) as an appender sees it. */
interface NumberColumn {
  push(value: number): void;
}

type Builder =
  | DictionaryColumnBuilder
  | DoubleColumnBuilder
  | Int32ColumnBuilder
  | Int64ColumnBuilder
  | StringColumnBuilder;

/**
 * Bronze's time texts differ from row to row (one per second of the day), so hashing them into a
 * dictionary costs more than it saves; they are written as plain strings. Every other string column
 * repeats a handful of values (codes, dates, the source) and is a dictionary.
 */
const PLAIN_STRING_COLUMNS: ReadonlySet<string> = new Set(['itime', 'tdate']);

function builderFor(field: SchemaField): Builder {
  if (field.type === 'string' && PLAIN_STRING_COLUMNS.has(field.name)) return new StringColumnBuilder();
  switch (field.type) {
    case 'double':
      return new DoubleColumnBuilder();
    case 'int':
    case 'date':
      return new Int32ColumnBuilder();
    case 'long':
    case 'timestamp':
    case 'timestamptz':
      return new Int64ColumnBuilder(); // micros as safe integers
    default:
      return new DictionaryColumnBuilder();
  }
}

/** Typed columns of one table, in its schema order, addressed by name. */
export class ColumnBatch {
  private readonly builders: Builder[];
  private readonly index: Map<string, number>;

  constructor(schema: Schema) {
    this.builders = schema.fields.map(builderFor);
    this.index = new Map(schema.fields.map((field, i) => [field.name, i]));
  }

  get length(): number {
    return this.builders[0]?.length ?? 0;
  }

  /** The builder of a string field (for the appenders below, resolved once). */
  strings(name: string): StringColumn {
    const builder = this.builder(name);
    if (builder instanceof DictionaryColumnBuilder || builder instanceof StringColumnBuilder) return builder;
    throw new TypeError(`column ${name} does not hold strings`);
  }

  /** The builder of a numeric field. */
  numbers(name: string): NumberColumn {
    const builder = this.builder(name);
    if (builder instanceof DictionaryColumnBuilder || builder instanceof StringColumnBuilder) {
      throw new TypeError(`column ${name} does not hold numbers`);
    }
    return builder;
  }

  private builder(name: string): Builder {
    const i = this.index.get(name);
    if (i === undefined) throw new TypeError(`no column ${name}`);
    return this.builders[i]!;
  }

  /** The columns built so far, handed over (views of the builders' buffers); the batch starts empty again. */
  finish(): TypedColumn[] {
    return this.builders.map((builder) => builder.finish());
  }
}

/**
 * The trade itself — time, counter, prices, open interest, contracts — which bronze and silver both keep,
 * under their own column names (in this order).
 */
function tradeAppender(
  batch: ColumnBatch,
  names: readonly [
    ts: string,
    tcnt: string,
    c: string,
    o: string,
    h: string,
    l: string,
    oi: string,
    ccnt: string,
  ],
): (tick: TickRow) => void {
  const [ts, tcnt, price, open, high, low, oi, ccnt] = names.map((name) => batch.numbers(name));
  return (tick) => {
    ts!.push(tick.ts * 1000);
    tcnt!.push(tick.tcnt);
    price!.push(tick.c);
    open!.push(tick.o);
    high!.push(tick.h);
    low!.push(tick.l);
    oi!.push(tick.oi);
    ccnt!.push(tick.ccnt);
  };
}

/** Appends ticks to a bronze_ticks batch. */
export function bronzeTickAppender(batch: ColumnBatch, source: SourceInfo): (tick: TickRow) => void {
  const [srcFile, srcSha, side, ymcode, code, idate, itime, tdate, extras] = [
    'src_file',
    'src_sha256',
    'side',
    'ymcode',
    'code',
    'idate',
    'itime',
    'tdate',
    'extras',
  ].map((name) => batch.strings(name));
  const [srcRow, ingestTs, strike, tradeDate] = ['src_row', 'ingest_ts', 'strike', 'trade_date'].map((name) =>
    batch.numbers(name),
  );
  const trade = tradeAppender(batch, ['ts', 'tcnt', 'c', 'o', 'h', 'l', 'oi', 'ccnt']);
  const ingest = source.ingestMs * 1000;
  return (tick) => {
    srcFile!.push(source.key);
    srcSha!.push(source.sha256);
    srcRow!.push(tick.srcRow);
    ingestTs!.push(ingest);
    side!.push(tick.side);
    ymcode!.push(tick.ymcode);
    code!.push(tick.code);
    strike!.push(tick.strike);
    idate!.push(tick.idate);
    itime!.push(tick.itime);
    tdate!.push(tick.tdate);
    trade(tick);
    extras!.push(tick.extras ? JSON.stringify(tick.extras) : null);
    tradeDate!.push(daysFromIsoDate(kstDateOf(tick.ts)));
  };
}

/** Appends ticks to a silver_ticks batch. */
export function silverTickAppender(batch: ColumnBatch, source: SourceInfo): (tick: TickRow) => void {
  const [ymcode, side, code, srcFile] = ['ymcode', 'side', 'code', 'src_file'].map((name) =>
    batch.strings(name),
  );
  const [strike, tradeDate, minuteTs, expiry, srcRow, ingestTs] = [
    'strike',
    'trade_date',
    'minute_ts',
    'expiry',
    'src_row',
    'ingest_ts',
  ].map((name) => batch.numbers(name));
  const trade = tradeAppender(batch, ['ts', 'tcnt', 'price', 'open', 'high', 'low', 'oi', 'ccnt']);
  const ingest = source.ingestMs * 1000;
  const contracts = new Map<string, { strike: number; expiry: number }>();
  let lastCode = '';
  let contract = { strike: 0, expiry: 0 };
  const addContract = (tick: TickRow) => {
    const decoded = decodeKrxCode(tick.code, Number(tick.ymcode.slice(0, 4)));
    const added = {
      strike: decoded.strike!,
      expiry: daysFromIsoDate(expiryDate(decoded.year, decoded.month)),
    };
    contracts.set(tick.code, added);
    return added;
  };
  return (tick) => {
    if (tick.code !== lastCode) {
      lastCode = tick.code;
      contract = contracts.get(tick.code) ?? addContract(tick);
    }
    ymcode!.push(tick.ymcode);
    side!.push(tick.side);
    code!.push(tick.code);
    strike!.push(contract.strike);
    trade(tick);
    tradeDate!.push(daysFromIsoDate(kstDateOf(tick.ts)));
    minuteTs!.push((tick.ts - (tick.ts % 60_000)) * 1000);
    expiry!.push(contract.expiry);
    srcFile!.push(source.key);
    srcRow!.push(tick.srcRow);
    ingestTs!.push(ingest);
  };
}

/** A fresh batch for bronze_ticks or silver_ticks. */
export function tickBatch(table: typeof BRONZE_TICKS | typeof SILVER_TICKS): ColumnBatch {
  return new ColumnBatch(table.schema);
}

const DAY_MS = 86_400_000;

/**
 * The value a tick gives each column a tick table may be partitioned by, as a number: dates as days since
 * 1970 (the KST trade date), instants as UTC ms, strings as a small code (first seen, first numbered).
 */
const TICK_PARTITION_SOURCES: Record<string, () => (tick: TickRow) => number> = {
  trade_date: () => (tick) => Math.floor((tick.ts + KST_OFFSET_MS) / DAY_MS),
  ts: () => (tick) => tick.ts,
  side: () => stringCode((tick) => tick.side),
  ymcode: () => stringCode((tick) => tick.ymcode),
  code: () => stringCode((tick) => tick.code),
};

function stringCode(value: (tick: TickRow) => string): (tick: TickRow) => number {
  const codes = new Map<string, number>();
  return (tick) => {
    const text = value(tick);
    let code = codes.get(text);
    if (code === undefined) codes.set(text, (code = codes.size));
    return code;
  };
}

/** Bits per partition field in a key: days to year 4000 and a million distinct strings fit. */
const KEY_FIELD_BITS = 21;

/**
 * A tick's partition in `table` as one number, derived from the table's partition spec (its source
 * columns and transforms), so the batches follow the spec, whatever it becomes. Two ticks get the same key
 * exactly when they fall in the same partition.
 */
export function tickPartitionKey(table: LakeTable): (tick: TickRow) => number {
  const parts = table.spec.fields.map((field) => {
    const column = table.schema.fields.find((f) => f.id === field['source-id'])?.name ?? '';
    const source = TICK_PARTITION_SOURCES[column];
    if (!source)
      throw new TypeError(
        `${table.name} is partitioned by ${column}, which a tick does not give a value for`,
      );
    const value = source();
    if (field.transform === 'identity') return value;
    if (column === 'ts') return (tick: TickRow) => Math.floor(value(tick) / DAY_MS); // day(ts), UTC
    return value; // day() of a date is the date
  });
  if (parts.length * KEY_FIELD_BITS > 53)
    throw new RangeError(`${table.name} has too many partition fields for a numeric tick key`);
  if (parts.length === 0) return () => 0;
  if (parts.length === 1) return parts[0]!;
  const scale = 2 ** KEY_FIELD_BITS;
  return (tick) => {
    let key = 0;
    for (const part of parts) key = key * scale + part(tick);
    return key;
  };
}

/**
 * Tick batches split by a key as they are appended (the table's partition, e.g. KST trade date and side): a batch then becomes one data file as is, where a mixed batch would be split by partition and
 * every column copied. The key only has to agree with the partition spec most of the time; the writer
 * still groups by the spec.
 */
export class KeyedTickBatches {
  private readonly table: typeof BRONZE_TICKS | typeof SILVER_TICKS;
  private readonly appenderOf: (batch: ColumnBatch) => (tick: TickRow) => void;
  private readonly keyOf: (tick: TickRow) => number;
  private readonly batches = new Map<number, { batch: ColumnBatch; append: (tick: TickRow) => void }>();
  private lastKey = Number.NaN;
  private last: ((tick: TickRow) => void) | undefined;
  length = 0;

  constructor(
    table: typeof BRONZE_TICKS | typeof SILVER_TICKS,
    keyOf: (tick: TickRow) => number,
    appenderOf: (batch: ColumnBatch) => (tick: TickRow) => void,
  ) {
    this.table = table;
    this.keyOf = keyOf;
    this.appenderOf = appenderOf;
  }

  push(tick: TickRow): void {
    const key = this.keyOf(tick);
    if (key !== this.lastKey || this.last === undefined) {
      let entry = this.batches.get(key);
      if (!entry) {
        const batch = tickBatch(this.table);
        entry = { batch, append: this.appenderOf(batch) };
        this.batches.set(key, entry);
      }
      this.lastKey = key;
      this.last = entry.append;
    }
    this.last(tick);
    this.length++;
  }

  /** The columns of every batch, and a fresh start. */
  drain(): TypedColumn[][] {
    const columns = [...this.batches.values()].map((entry) => entry.batch.finish());
    this.batches.clear();
    this.last = undefined;
    this.lastKey = Number.NaN;
    this.length = 0;
    return columns;
  }
}
