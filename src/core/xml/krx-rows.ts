/**
 * What the KRX XML reader yields: typed tick and code rows exactly as received (plus their source
 * position), quarantine records for everything it refuses, and a per-file summary.
 */
import type { OptionSide } from '../market/krx-code.ts';

/** The fields of a tick row, in the order KRX writes them. */
export const TICK_FIELDS = [
  'ymcode',
  'code',
  'strike',
  'idate',
  'itime',
  'tdate',
  'tcnt',
  'c',
  'o',
  'h',
  'l',
  'oi',
  'ccnt',
] as const;
/** The fields of a code-file row, in the order KRX writes them. */
export const CODE_FIELDS = ['ymcode', 'code', 'lastday'] as const;

export type TickField = (typeof TICK_FIELDS)[number];
export type CodeField = (typeof CODE_FIELDS)[number];

interface SourcePosition {
  /** The source file (object key or path). */
  srcFile: string;
  /** 0-based index of the row among the root's children. */
  srcRow: number;
}

export interface TickRow extends SourcePosition {
  /** From the code's product letter (B call, C put), checked against the file name when it says. */
  side: OptionSide;
  ymcode: string;
  code: string;
  /** The `strike` field as received: KRX writes the integer part (542 for 542.5); the code has the truth. */
  strike: number;
  idate: string;
  itime: string;
  tdate: string;
  /** UTC epoch milliseconds of `tdate`. */
  ts: number;
  tcnt: number;
  c: number;
  o: number;
  h: number;
  l: number;
  oi: number;
  ccnt: number;
  /** Fields the schema does not know, kept so nothing received is dropped. */
  extras?: Record<string, string>;
}

export interface CodeRow extends SourcePosition {
  ymcode: string;
  code: string;
  lastday: string;
  extras?: Record<string, string>;
}

export const QUARANTINE_REASONS = [
  'malformed_xml', // markup that cannot be read as a row (broken tags, text at row level, nested rows)
  'truncated', // the file ends inside this row
  'entity_not_allowed', // an entity reference other than the five XML ones or a character reference
  'doctype_not_allowed', // a DOCTYPE (file-level record; DTDs are never processed)
  'encoding_error', // bytes that are invalid in the file's encoding
  'missing_field',
  'duplicate_field',
  'invalid_value', // a field that does not parse (non-numeric price, bad date, bad code...)
  'non_positive_price',
  'absurd_price', // above any plausible KOSPI200 option premium
  'off_tick_grid',
  'ohl_inconsistent', // low <= open/close <= high violated
  'contract_mismatch', // ymcode or strike disagree with the code
  'side_mismatch', // a put in a CALL file or the reverse
  'time_mismatch', // tdate, idate and itime disagree
  'outside_session',
  'duplicate_tick', // the same tick (code, tcnt and every field) seen before in this file
  'duplicate_code', // a code listed twice in one code file
  'conflicting_tick', // same code, tcnt and time as an earlier tick but other values
  'time_reversal', // a tick whose sequence number says "next" but whose time goes back
  'unknown_row_kind', // a row that is neither a tick nor a code row
] as const;

export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export interface QuarantineRecord {
  srcFile: string;
  /** Row index when the record is about one row; null for file-level records. */
  srcRow: number | null;
  /** Offset of the record's first byte in the UTF-8 text of the file (the bytes themselves when UTF-8). */
  byteOffset: number;
  /** 1-based line of the record's start. */
  line: number;
  /** The raw text (capped at 64 KiB, with `rawTruncated` set when cut). */
  raw: string;
  rawTruncated?: boolean;
  reason: QuarantineReason;
  /** A precise, human-readable explanation, e.g. "c = -1.5 is not positive". */
  detail: string;
}

export interface ReadBatch {
  ticks: TickRow[];
  codes: CodeRow[];
  quarantined: QuarantineRecord[];
}

export interface ReadSummary {
  srcFile: string;
  kind: 'tick' | 'code' | 'unknown';
  encoding: string;
  rowsRead: number;
  accepted: number;
  quarantined: number;
  quarantinedByReason: Partial<Record<QuarantineReason, number>>;
  codes: number;
  /** First and last accepted tick time (UTC ms); undefined for code files or when none. */
  firstTs?: number;
  lastTs?: number;
  /** The file ended before its root element closed. */
  truncated: boolean;
  /** Valid ticks that arrived out of (code, time) order and were accepted; downstream sorts by time. */
  reordered: number;
  /** Missing tick sequence numbers (tcnt), summed over codes, when the sequence is unambiguous. */
  sequenceGaps: number;
  /** Non-fatal observations: unknown fields kept in `extras`, field order differing from KRX's, etc. */
  warnings: string[];
  bytesRead: number;
}
