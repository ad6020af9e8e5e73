/**
 * Reads one KRX DataSet XML file (ticks or contract codes) from a byte stream: decodes it, scans rows
 * in bounded memory, validates each row, checks tick sequences, and yields batches of typed rows and
 * quarantine records. The generator's return value is the file's summary.
 *
 * Nothing received is dropped silently: every row ends up accepted, or quarantined with its raw text,
 * its position (row index, byte offset, line) and a precise reason. A file with a construct beyond one of
 * the size caps (`XmlLimits`) is refused whole: the read throws `XmlLimitExceededError` naming the cap, and
 * the caller quarantines the file with that message.
 */
import { appendAll } from '../arrays.ts';
import type { OptionSide } from '../market/krx-code.ts';
import { DataSetScanner } from './dataset-scanner.ts';
import type { ScanEvent, ScannedRow, XmlLimits } from './dataset-scanner.ts';
import type {
  CodeRow,
  QuarantineReason,
  QuarantineRecord,
  ReadBatch,
  ReadSummary,
  TickRow,
} from './krx-rows.ts';
import { TICK_TEXT_PATTERNS, validateCodeRow, validateTickRow } from './krx-row-validation.ts';
import { decodeText } from './text-decoding.ts';
import { TickSequence } from './tick-sequence.ts';

export { DEFAULT_XML_LIMITS, XmlLimitExceededError } from './dataset-scanner.ts';
export type { XmlLimits } from './dataset-scanner.ts';

export interface ReadOptions {
  /** Recorded on every row and record (object key or path); its name also hints the file kind and side. */
  srcFile: string;
  /**
   * Size caps on rows, tags, comments, DOCTYPEs and text (defaults: `DEFAULT_XML_LIMITS`, 1 MiB; 64 KiB for
   * a tag). Past one the read throws `XmlLimitExceededError` naming the cap: the file is refused whole.
   */
  limits?: Partial<XmlLimits>;
}

export type FileKind = ReadSummary['kind'];

/** What the file name says, e.g. `202601_20251201_TICK_CALL.xml` → tick, CALL. */
export function kindFromFileName(srcFile: string): { kind?: 'tick' | 'code'; side?: OptionSide } {
  const base = srcFile.split('/').pop() ?? srcFile;
  const kind = /_TICK_/i.test(base) ? 'tick' : /_?CODE_/i.test(base) ? 'code' : undefined;
  const side = /_CALL(\.|$)/i.test(base) ? 'CALL' : /_PUT(\.|$)/i.test(base) ? 'PUT' : undefined;
  return { kind, side };
}

export async function* readKrxXml(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<ReadBatch, ReadSummary> {
  const reader = new KrxRowReader(options.srcFile, options.limits);
  let encoding = 'utf-8';
  for await (const { text, bytes } of decodeText(
    source,
    (detected) => (encoding = `${detected.label} (${detected.evidence})`),
  )) {
    reader.bytesRead += bytes;
    const batch = reader.accept(reader.scanner.push(text));
    if (batch.ticks.length || batch.codes.length || batch.quarantined.length) yield batch;
  }
  const last = reader.accept(reader.scanner.end());
  if (last.ticks.length || last.codes.length || last.quarantined.length) yield last;
  return reader.summary(encoding);
}

/** Reads a whole file into arrays (tests, small files). */
export async function readKrxXmlAll(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): Promise<ReadBatch & { summary: ReadSummary }> {
  const all: ReadBatch = { ticks: [], codes: [], quarantined: [] };
  const iterator = readKrxXml(source, options);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { ...all, summary: next.value };
    appendAll(all.ticks, next.value.ticks);
    appendAll(all.codes, next.value.codes);
    appendAll(all.quarantined, next.value.quarantined);
  }
}

/** The per-file state between scanner events and batches. Exported for the reference reader. */
export class KrxRowReader {
  // Tick texts that match KRX's patterns exactly are read by the scanner's fast path and not checked again.
  readonly scanner: DataSetScanner;
  bytesRead = 0;
  private kind: FileKind;
  private readonly fileSide?: OptionSide;
  private readonly sequence = new TickSequence();
  private readonly codesSeen = new Set<string>();
  private readonly quarantinedByReason: Partial<Record<QuarantineReason, number>> = {};
  private readonly warnings = new Map<string, number>();
  private rowsRead = 0;
  private accepted = 0;
  private quarantined = 0;
  private reordered = 0;
  private firstTs?: number;
  private lastTs?: number;
  private truncated = false;
  private readonly srcFile: string;

  constructor(srcFile: string, limits?: Partial<XmlLimits>) {
    this.scanner = new DataSetScanner({ fieldPatterns: TICK_TEXT_PATTERNS, limits });
    this.srcFile = srcFile;
    const hint = kindFromFileName(srcFile);
    this.kind = hint.kind ?? 'unknown';
    this.fileSide = hint.side;
  }

  accept(events: ScanEvent[]): ReadBatch {
    const batch: ReadBatch = { ticks: [], codes: [], quarantined: [] };
    for (const event of events) {
      if (event.type === 'problem') {
        if (event.reason === 'truncated') this.truncated = true;
        if (event.index !== null) this.rowsRead++;
        this.quarantine(
          batch,
          event.index,
          event.byteOffset,
          event.line,
          event.raw,
          event.reason,
          event.detail,
          event.rawTruncated,
        );
        continue;
      }
      this.rowsRead++;
      this.acceptRow(batch, event);
    }
    return batch;
  }

  summary(encoding: string): ReadSummary {
    return {
      srcFile: this.srcFile,
      kind: this.kind,
      encoding,
      rowsRead: this.rowsRead,
      accepted: this.accepted,
      quarantined: this.quarantined,
      quarantinedByReason: { ...this.quarantinedByReason },
      codes: this.codesSeen.size,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      truncated: this.truncated || !this.scanner.complete,
      reordered: this.reordered,
      sequenceGaps: this.sequence.gaps,
      warnings: [...this.warnings].map(
        ([warning, count]) => `${warning} (${count} row${count === 1 ? '' : 's'})`,
      ),
      bytesRead: this.bytesRead,
    };
  }

  private refuse(batch: ReadBatch, event: ScannedRow, reason: QuarantineReason, detail: string): void {
    const { byteOffset, line } =
      event.start >= 0 ? this.scanner.position(event.start) : { byteOffset: 0, line: 0 };
    this.quarantine(batch, event.index, byteOffset, line, event.raw, reason, detail);
  }

  private acceptRow(batch: ReadBatch, event: ScannedRow): void {
    if (this.scanner.mayHaveReplacement && event.raw.includes('\uFFFD'))
      return this.refuse(batch, event, 'encoding_error', 'bytes that are invalid in the file’s encoding');
    if (this.kind === 'unknown') {
      this.kind =
        'tcnt' in event.fields || 'itime' in event.fields
          ? 'tick'
          : 'lastday' in event.fields
            ? 'code'
            : 'unknown';
      if (this.kind === 'unknown') {
        return this.refuse(
          batch,
          event,
          'unknown_row_kind',
          `fields ${event.order.join(', ')} are neither a tick nor a code row`,
        );
      }
    }
    if (this.kind === 'tick') {
      const verdict = validateTickRow(this.srcFile, event, this.fileSide);
      if (!verdict.ok) return this.refuse(batch, event, verdict.reason, verdict.detail);
      const sequence = this.sequence.check(verdict.row);
      if (!sequence.ok) return this.refuse(batch, event, sequence.reason, sequence.detail);
      if (sequence.reordered) this.reordered++;
      this.note(verdict.warnings);
      this.addTick(batch, verdict.row);
    } else {
      const verdict = validateCodeRow(this.srcFile, event);
      if (!verdict.ok) return this.refuse(batch, event, verdict.reason, verdict.detail);
      if (this.codesSeen.has(verdict.row.code)) {
        return this.refuse(batch, event, 'duplicate_code', `${verdict.row.code} is listed more than once`);
      }
      this.note(verdict.warnings);
      this.addCode(batch, verdict.row);
    }
  }

  private addTick(batch: ReadBatch, row: TickRow): void {
    batch.ticks.push(row);
    this.accepted++;
    this.codesSeen.add(row.code);
    if (this.firstTs === undefined || row.ts < this.firstTs) this.firstTs = row.ts;
    if (this.lastTs === undefined || row.ts > this.lastTs) this.lastTs = row.ts;
  }

  private addCode(batch: ReadBatch, row: CodeRow): void {
    batch.codes.push(row);
    this.accepted++;
    this.codesSeen.add(row.code);
  }

  private note(warnings: string[]): void {
    for (const warning of warnings) this.warnings.set(warning, (this.warnings.get(warning) ?? 0) + 1);
  }

  private quarantine(
    batch: ReadBatch,
    srcRow: number | null,
    byteOffset: number,
    line: number,
    raw: string,
    reason: QuarantineReason,
    detail: string,
    rawTruncated = false,
  ): void {
    const record: QuarantineRecord = { srcFile: this.srcFile, srcRow, byteOffset, line, raw, reason, detail };
    if (rawTruncated) record.rawTruncated = true;
    batch.quarantined.push(record);
    this.quarantined++;
    this.quarantinedByReason[reason] = (this.quarantinedByReason[reason] ?? 0) + 1;
  }
}
