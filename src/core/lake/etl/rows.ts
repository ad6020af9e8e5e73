/**
 * Row mappers from what the XML reader yields to the lake tables' rows (see ../tables.ts). Pure functions:
 * timestamps become Iceberg microseconds, dates days since 1970.
 */
import { dimContractRow } from '../../market/krx-contract.ts';
import { decodeKrxCode } from '../../market/krx-code.ts';
import { expiryDate } from '../../market/krx-calendar.ts';
import { kstDateOf } from '../../market/kst.ts';
import type { IsoDate } from '../../market/kst.ts';
import type { RegimeLabel, RegimeLabelProblem } from '../../market/regime-labels.ts';
import type { BarTick } from '../../features/bars.ts';
import { MAX_RAW_CHARS } from '../../xml/dataset-scanner.ts';
import type { CodeRow, QuarantineRecord, TickRow } from '../../xml/krx-rows.ts';
import { daysFromIsoDate } from '../iceberg/index.ts';
import type { Row } from '../iceberg/index.ts';

export interface SourceInfo {
  /** Object key of the source file. */
  key: string;
  sha256: string;
  /** When this ingest read it (UTC ms). */
  ingestMs: number;
}

const micros = (ms: number) => ms * 1000;

function lineage(source: SourceInfo, srcRow: number | null): Row {
  return {
    src_file: source.key,
    src_sha256: source.sha256,
    src_row: srcRow,
    ingest_ts: micros(source.ingestMs),
  };
}

export function bronzeTickRow(tick: TickRow, source: SourceInfo): Row {
  return {
    ...lineage(source, tick.srcRow),
    side: tick.side,
    ymcode: tick.ymcode,
    code: tick.code,
    strike: tick.strike,
    idate: tick.idate,
    itime: tick.itime,
    tdate: tick.tdate,
    ts: micros(tick.ts),
    tcnt: tick.tcnt,
    c: tick.c,
    o: tick.o,
    h: tick.h,
    l: tick.l,
    oi: tick.oi,
    ccnt: tick.ccnt,
    extras: tick.extras ? JSON.stringify(tick.extras) : null,
    trade_date: daysFromIsoDate(kstDateOf(tick.ts)),
  };
}

export function bronzeCodeRow(code: CodeRow, source: SourceInfo): Row {
  return {
    ...lineage(source, code.srcRow),
    ymcode: code.ymcode,
    code: code.code,
    lastday: code.lastday,
    extras: code.extras ? JSON.stringify(code.extras) : null,
  };
}

export function quarantineRow(record: QuarantineRecord, source: SourceInfo): Row {
  return {
    ...lineage(source, record.srcRow),
    byte_offset: record.byteOffset,
    line: record.line,
    reason: record.reason,
    detail: record.detail,
    raw: record.raw,
    raw_truncated: record.rawTruncated === true,
  };
}

/** One minute label for `regime_labels_1m`. */
export function regimeLabelRow(label: RegimeLabel, source: SourceInfo): Row {
  return {
    src_file: source.key,
    src_sha256: source.sha256,
    src_line: label.line,
    ingest_ts: micros(source.ingestMs),
    trade_date: daysFromIsoDate(label.date),
    minute_ts: micros(label.minuteTs),
    regime: label.regime,
  };
}

/** A labels CSV line that is not a label, for the quarantine table (file-level lineage: no row index). */
export function labelQuarantineRow(problem: RegimeLabelProblem, source: SourceInfo): Row {
  const raw = problem.raw.length > MAX_RAW_CHARS ? problem.raw.slice(0, MAX_RAW_CHARS) : problem.raw;
  return {
    ...lineage(source, null),
    byte_offset: problem.byteOffset,
    line: problem.line,
    reason: problem.reason,
    detail: problem.detail,
    raw,
    raw_truncated: raw.length < problem.raw.length,
  };
}

/** What identifies one trade across files: a tick delivered twice (under two keys) has the same one. */
export function tickIdentity(tick: Pick<TickRow, 'code' | 'tcnt' | 'ts' | 'c' | 'ccnt'>): string {
  return `${tick.code}|${tick.tcnt}|${tick.ts}|${tick.c}|${tick.ccnt}`;
}

export function silverTickRow(tick: TickRow, source: SourceInfo): Row {
  const code = decodeKrxCode(tick.code, Number(tick.ymcode.slice(0, 4)));
  return {
    ymcode: tick.ymcode,
    side: tick.side,
    code: tick.code,
    strike: code.strike!,
    ts: micros(tick.ts),
    tcnt: tick.tcnt,
    price: tick.c,
    open: tick.o,
    high: tick.h,
    low: tick.l,
    oi: tick.oi,
    ccnt: tick.ccnt,
    trade_date: daysFromIsoDate(kstDateOf(tick.ts)),
    minute_ts: micros(tick.ts - (tick.ts % 60_000)),
    expiry: daysFromIsoDate(expiryDate(code.year, code.month)),
    src_file: source.key,
    src_row: tick.srcRow,
    ingest_ts: micros(source.ingestMs),
  };
}

/** A silver row back as the tick fields the feature module reads. */
export function tickFromSilver(row: Row): BarTick & Pick<TickRow, 'tcnt'> {
  return {
    ymcode: row.ymcode as string,
    side: row.side as TickRow['side'],
    code: row.code as string,
    ts: Number(row.ts as bigint) / 1000,
    c: row.price as number,
    ccnt: row.ccnt as number,
    oi: Number(row.oi as bigint),
    tcnt: row.tcnt as number,
  };
}

export function dimContractLakeRow(
  code: CodeRow,
  effectiveFrom: IsoDate | undefined,
  source: SourceInfo,
): Row {
  const dim = dimContractRow(code, effectiveFrom);
  return {
    code: dim.code,
    product: dim.product,
    side: dim.side ?? null,
    underlying: dim.underlying,
    ymcode: dim.ymcode,
    strike: dim.strike ?? null,
    lastday: dim.lastday,
    expiry: daysFromIsoDate(dim.expiry),
    multiplier: dim.multiplier,
    effective_from: dim.effectiveFrom ? daysFromIsoDate(dim.effectiveFrom) : null,
    effective_to: dim.effectiveTo ? daysFromIsoDate(dim.effectiveTo) : null,
    src_file: source.key,
  };
}

/** The date a KRX file is about, from its name (`202601_20251219_CODE_CALL.xml` → 2025-12-19). */
export function fileDate(key: string): IsoDate | undefined {
  const match = /_(\d{4})(\d{2})(\d{2})_?(TICK|CODE)_/i.exec(key.split('/').pop() ?? key);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}
