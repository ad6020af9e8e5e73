/**
 * Bronze and silver ticks built straight into columns (canonical Iceberg values in schema order) rather
 * than as one object per row: on a million-tick file that is most of the ETL's garbage avoided.
 * `rows.ts` holds the same mappings row by row; a unit test checks both give identical tables.
 */
import { decodeKrxCode } from '../../market/krx-code.ts';
import { expiryDate } from '../../market/krx-calendar.ts';
import { kstDateOf } from '../../market/kst.ts';
import type { TickRow } from '../../xml/krx-rows.ts';
import { daysFromIsoDate } from '../iceberg/index.ts';
import type { IcebergValue, Schema } from '../iceberg/index.ts';
import type { BRONZE_TICKS, SILVER_TICKS } from '../tables.ts';
import type { SourceInfo } from './rows.ts';

type Column = (IcebergValue | null)[];

/** Columns of one table, in its schema order, addressed by name. */
export class ColumnBatch {
  readonly columns: Column[];
  private readonly index: Map<string, number>;

  constructor(schema: Schema) {
    this.columns = schema.fields.map(() => []);
    this.index = new Map(schema.fields.map((field, i) => [field.name, i]));
  }

  get length(): number {
    return this.columns[0]?.length ?? 0;
  }

  /** The column of a field (for the appenders below, resolved once). */
  column(name: string): Column {
    const i = this.index.get(name);
    if (i === undefined) throw new TypeError(`no column ${name}`);
    return this.columns[i]!;
  }
}

/** Appends ticks to a bronze_ticks batch. */
export function bronzeTickAppender(batch: ColumnBatch, source: SourceInfo): (tick: TickRow) => void {
  const c = (name: string) => batch.column(name);
  const [
    srcFile,
    srcSha,
    srcRow,
    ingestTs,
    side,
    ymcode,
    code,
    strike,
    idate,
    itime,
    tdate,
    ts,
    tcnt,
    price,
    open,
    high,
    low,
    oi,
    ccnt,
    extras,
  ] = [
    'src_file',
    'src_sha256',
    'src_row',
    'ingest_ts',
    'side',
    'ymcode',
    'code',
    'strike',
    'idate',
    'itime',
    'tdate',
    'ts',
    'tcnt',
    'c',
    'o',
    'h',
    'l',
    'oi',
    'ccnt',
    'extras',
  ].map(c) as Column[];
  const ingest = BigInt(source.ingestMs) * 1000n;
  return (tick) => {
    srcFile!.push(source.key);
    srcSha!.push(source.sha256);
    srcRow!.push(BigInt(tick.srcRow));
    ingestTs!.push(ingest);
    side!.push(tick.side);
    ymcode!.push(tick.ymcode);
    code!.push(tick.code);
    strike!.push(tick.strike);
    idate!.push(tick.idate);
    itime!.push(tick.itime);
    tdate!.push(tick.tdate);
    ts!.push(BigInt(tick.ts) * 1000n);
    tcnt!.push(tick.tcnt);
    price!.push(tick.c);
    open!.push(tick.o);
    high!.push(tick.h);
    low!.push(tick.l);
    oi!.push(BigInt(tick.oi));
    ccnt!.push(tick.ccnt);
    extras!.push(tick.extras ? JSON.stringify(tick.extras) : null);
  };
}

/** Appends ticks to a silver_ticks batch. */
export function silverTickAppender(batch: ColumnBatch, source: SourceInfo): (tick: TickRow) => void {
  const c = (name: string) => batch.column(name);
  const [
    ymcode,
    side,
    code,
    strike,
    ts,
    tcnt,
    price,
    open,
    high,
    low,
    oi,
    ccnt,
    tradeDate,
    minuteTs,
    expiry,
    srcFile,
    srcRow,
    ingestTs,
  ] = [
    'ymcode',
    'side',
    'code',
    'strike',
    'ts',
    'tcnt',
    'price',
    'open',
    'high',
    'low',
    'oi',
    'ccnt',
    'trade_date',
    'minute_ts',
    'expiry',
    'src_file',
    'src_row',
    'ingest_ts',
  ].map(c) as Column[];
  const ingest = BigInt(source.ingestMs) * 1000n;
  const contracts = new Map<string, { strike: number; expiry: number }>();
  return (tick) => {
    let contract = contracts.get(tick.code);
    if (!contract) {
      const decoded = decodeKrxCode(tick.code, Number(tick.ymcode.slice(0, 4)));
      contract = {
        strike: decoded.strike!,
        expiry: daysFromIsoDate(expiryDate(decoded.year, decoded.month)),
      };
      contracts.set(tick.code, contract);
    }
    ymcode!.push(tick.ymcode);
    side!.push(tick.side);
    code!.push(tick.code);
    strike!.push(contract.strike);
    ts!.push(BigInt(tick.ts) * 1000n);
    tcnt!.push(tick.tcnt);
    price!.push(tick.c);
    open!.push(tick.o);
    high!.push(tick.h);
    low!.push(tick.l);
    oi!.push(BigInt(tick.oi));
    ccnt!.push(tick.ccnt);
    tradeDate!.push(daysFromIsoDate(kstDateOf(tick.ts)));
    minuteTs!.push(BigInt(tick.ts - (tick.ts % 60_000)) * 1000n);
    expiry!.push(contract.expiry);
    srcFile!.push(source.key);
    srcRow!.push(BigInt(tick.srcRow));
    ingestTs!.push(ingest);
  };
}

/** A fresh batch for bronze_ticks or silver_ticks. */
export function tickBatch(table: typeof BRONZE_TICKS | typeof SILVER_TICKS): ColumnBatch {
  return new ColumnBatch(table.schema);
}
