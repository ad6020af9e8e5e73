/**
 * Minute regime labels as CSV: a header with `date` (YYYY-MM-DD, KST), `minute` (HH:MM) and `regime`
 * columns, any others ignored (`quotelab generate` writes `date,minute,regime,close` per day as
 * `labels_YYYYMMDD.csv`). The same parser serves a backtest reading a labels file directly and the ETL
 * ingesting one into the lake's `regime_labels` table, so both see the same minutes.
 *
 * A line that is not a label (bad date or minute, a regime name nobody knows, a minute given twice) is a
 * problem with its line number and text, never skipped silently: the backtest refuses the file, the ETL
 * quarantines the line.
 */
import { kstDateOf, kstTimeOf, kstToUtcMs } from './kst.ts';

/** Source files the ETL takes as labels: `labels_YYYYMMDD.csv`, in any folder. */
export const LABELS_FILE_NAME = /^labels_\d{8}\.csv$/i;

/** Whether an object key or path names a labels CSV the ETL ingests. */
export function isLabelsSourceKey(key: string): boolean {
  return LABELS_FILE_NAME.test(key.slice(key.lastIndexOf('/') + 1));
}

/** A labels file is one session's minutes (~420 lines, ~12 KB); anything far bigger is not one. */
export const MAX_LABELS_FILE_BYTES = 16 * 1024 * 1024;

export interface RegimeLabel {
  /** KST trade date, YYYY-MM-DD. */
  date: string;
  /** Start of the minute, UTC ms. */
  minuteTs: number;
  regime: string;
  /** 1-based line in the file. */
  line: number;
}

export type RegimeLabelProblemReason = 'invalid_value' | 'unknown_regime' | 'duplicate_label';

export interface RegimeLabelProblem {
  reason: RegimeLabelProblemReason;
  /** 1-based line, and the offset of its first byte in the UTF-8 text. */
  line: number;
  byteOffset: number;
  raw: string;
  detail: string;
}

export interface ParsedRegimeLabels {
  labels: RegimeLabel[];
  problems: RegimeLabelProblem[];
  /** Data lines read (blank lines aside). */
  rowsRead: number;
}

/** The header is not a labels header: nothing in the file can be read as labels. */
export class NotRegimeLabelsError extends Error {
  override readonly name = 'NotRegimeLabelsError';
}

/** The problem with a first line as a labels header, or undefined when it is one. */
export function labelsHeaderProblem(firstLine: string): string | undefined {
  const header = firstLine
    .replace(/^\uFEFF/, '')
    .trim()
    .split(',');
  const missing = ['date', 'minute', 'regime'].filter((name) => !header.includes(name));
  return missing.length === 0
    ? undefined
    : `not a labels CSV (the header needs date, minute and regime columns; ${missing.join(', ')} missing in ${JSON.stringify(firstLine.slice(0, 200))})`;
}

/**
 * Parses a labels CSV. `known` is the set of regime names a label may take; anything else is a problem
 * naming them. Throws `NotRegimeLabelsError` when the header is not a labels header.
 */
export function parseRegimeLabels(text: string, known: readonly string[]): ParsedRegimeLabels {
  const lines = text.split('\n');
  const headerProblem = labelsHeaderProblem(lines[0] ?? '');
  if (headerProblem) throw new NotRegimeLabelsError(headerProblem);
  const header = lines[0]!
    .replace(/^\uFEFF/, '')
    .trim()
    .split(',');
  const [date, minute, regime] = ['date', 'minute', 'regime'].map((name) => header.indexOf(name)) as [
    number,
    number,
    number,
  ];
  const labels: RegimeLabel[] = [];
  const problems: RegimeLabelProblem[] = [];
  const seen = new Map<number, number>();
  const utf8 = new TextEncoder();
  let rowsRead = 0;
  let byteOffset = utf8.encode(lines[0]).length + 1;
  for (let n = 1; n < lines.length; n++) {
    const raw = lines[n]!.replace(/\r$/, '');
    const lineOffset = byteOffset;
    byteOffset += utf8.encode(lines[n]).length + 1;
    if (raw.trim() === '') continue;
    rowsRead++;
    const line = n + 1;
    const cells = raw.split(',');
    const [d, m, r] = [cells[date] ?? '', cells[minute] ?? '', (cells[regime] ?? '').trim()];
    const problem = (reason: RegimeLabelProblemReason, detail: string) =>
      problems.push({ reason, line, byteOffset: lineOffset, raw, detail });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || !/^\d{2}:\d{2}$/.test(m)) {
      problem(
        'invalid_value',
        `date must be YYYY-MM-DD and minute HH:MM, got ${JSON.stringify(raw.slice(0, 200))}`,
      );
      continue;
    }
    const minuteTs = kstToUtcMs(d, `${m.replace(':', '')}00`);
    // Date.UTC rolls 2025-02-30 or 24:75 over into another minute: a real one maps back to itself.
    if (kstDateOf(minuteTs) !== d || kstTimeOf(minuteTs).slice(0, 4) !== m.replace(':', '')) {
      problem('invalid_value', `${d} ${m} is not a time`);
      continue;
    }
    if (!known.includes(r)) {
      problem('unknown_regime', `unknown regime ${JSON.stringify(r)}; known: ${known.join(', ')}`);
      continue;
    }
    const earlier = seen.get(minuteTs);
    if (earlier !== undefined) {
      problem('duplicate_label', `${d} ${m} is labelled twice (first on line ${earlier})`);
      continue;
    }
    seen.set(minuteTs, line);
    labels.push({ date: d, minuteTs, regime: r, line });
  }
  return { labels, problems, rowsRead };
}
