/**
 * A streaming scanner for .NET DataSet XML (`DataSet.WriteXml`): a root element whose children are rows
 * and whose grandchildren are fields holding text. It is not a general XML parser: it reads exactly this
 * flat shape, fast, in bounded memory, and turns everything else into a precise problem record while
 * carrying on with the next row. fast-xml-parser is the reference it is tested against
 * (`reference-rows.ts`) and explains malformed rows (`explainMalformed`).
 *
 * Feed decoded text with `push`, then call `end`; each returns the events found so far, in file order.
 */
import { XMLValidator } from 'fast-xml-parser';
import { resolveEntities } from './entities.ts';

export interface ScannedRow {
  type: 'row';
  index: number;
  tag: string;
  /** Field name → text (entities resolved). */
  fields: Record<string, string>;
  /** Field names in document order (duplicates included). */
  order: string[];
  raw: string;
  /**
   * Where the row starts in the scanner's buffer; `DataSetScanner.position(start)` turns it into a byte
   * offset and line, valid until the next `push`. Computed only for rows that get quarantined.
   */
  start: number;
  /**
   * Set when the row was read by the fast path (one regular expression for the whole row): group `i + 1`
   * is the text of field `order[i]`, so a caller can take the texts without `fields` being built.
   */
  match?: RegExpExecArray;
  /** True when every field's text matched its pattern in the scanner's `fieldPatterns` (fast path only). */
  patterned?: boolean;
}

export interface ScannerOptions {
  /**
   * Field name → regular-expression source (no anchors, no capturing groups, never matching '<' or '&')
   * that the fast path requires of that field's whole text. A row whose fields all have a pattern and match
   * it is marked `patterned`, so its reader can skip checking the texts again; any other row takes the
   * general path and is read exactly as without patterns. Fields without one match any plain text.
   */
  fieldPatterns?: Readonly<Record<string, string>>;
  /** Size caps (defaults: `DEFAULT_XML_LIMITS`); a construct beyond one makes the scanner throw `XmlLimitExceededError`. */
  limits?: Partial<XmlLimits>;
}

/**
 * The largest constructs the scanner accepts, in characters of decoded text (bytes, for the ASCII files
 * KRX writes). Real DataSet rows are a few hundred characters; anything near these sizes is not a KRX
 * file, so exceeding one refuses the whole file (`XmlLimitExceededError`) rather than reading on through
 * megabytes of junk, and keeps memory bounded by about twice the largest cap.
 */
export interface XmlLimits {
  /** A row, from its start tag through its closing tag (so also any field value in it). */
  maxRowChars: number;
  /** One tag (root, row or field) with its attributes, `<` to `>`: the cap on any attribute value. */
  maxTagChars: number;
  /** A comment (`<!-- … -->`) or processing instruction (`<? … ?>`) outside rows. */
  maxCommentChars: number;
  /** A DOCTYPE (internal subset included) or other `<! … >` declaration outside rows. */
  maxDoctypeChars: number;
  /** A run of character data outside rows (before the root or between rows). */
  maxTextChars: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxRowChars: 1024 * 1024,
  maxTagChars: 64 * 1024,
  maxCommentChars: 1024 * 1024,
  maxDoctypeChars: 1024 * 1024,
  maxTextChars: 1024 * 1024,
});

/** A construct larger than a cap in `XmlLimits`: the file is refused whole, with this as its reason. */
export class XmlLimitExceededError extends Error {
  override readonly name = 'XmlLimitExceededError';
  readonly limit: keyof XmlLimits;
  readonly maxChars: number;
  readonly byteOffset: number;
  readonly line: number;

  constructor(limit: keyof XmlLimits, maxChars: number, what: string, byteOffset: number, line: number) {
    super(
      `${what} starting at byte ${byteOffset} (line ${line}) is longer than ${limit} = ${maxChars} characters: the file is refused whole (no KRX DataSet file has one that large)`,
    );
    this.limit = limit;
    this.maxChars = maxChars;
    this.byteOffset = byteOffset;
    this.line = line;
  }
}

export type ScanProblemReason = 'malformed_xml' | 'truncated' | 'entity_not_allowed' | 'doctype_not_allowed';

export interface ScanProblem {
  type: 'problem';
  /** The row's index when the problem is one row; null for file-level problems. */
  index: number | null;
  reason: ScanProblemReason;
  detail: string;
  raw: string;
  rawTruncated: boolean;
  byteOffset: number;
  line: number;
}

export type ScanEvent = ScannedRow | ScanProblem;

/** Raw text kept in a problem record at most. */
export const MAX_RAW_CHARS = 64 * 1024;

type State = 'prolog' | 'root' | 'after-root';

export class DataSetScanner {
  private buffer = '';
  private pos = 0;
  private state: State = 'prolog';
  private rootName = '';
  private rowIndex = 0;
  private events: ScanEvent[] = [];
  private rootClosed = false;
  /** A partial last row was already reported as truncated. */
  private cutLastRow = false;
  // Rows of a file share one tag: its closing tag is built once.
  private lastTag = '';
  private lastCloseTag = '';
  // ...and the same fields in the same order: the previous row's names are tried first (no slicing).
  private lastOrder: string[] = [];
  private rowPattern?: RegExp;
  private rowPatterned = false;
  private readonly fieldPatterns: Readonly<Record<string, string>>;
  private readonly limits: Readonly<XmlLimits>;
  /**
   * Text pushed while the scan is stalled on an unfinished construct of `stalledChars` characters: it is
   * appended and rescanned only once at least that much has arrived, so a construct that grows over many
   * pushes is scanned (and its string flattened) at doubling sizes, O(n) in all, not once per push.
   */
  private held: string[] = [];
  private heldChars = 0;
  private stalledChars = 0;
  private scannedChars = 0;

  /** Whether any text so far held U+FFFD (an undecodable byte): until then rows need not be searched for it. */
  mayHaveReplacement = false;
  // Position bookkeeping: absolute byte offset (UTF-8) and line of buffer[0].
  private bufferByte = 0;
  private bufferLine = 1;
  // Memo of the last position converted, so successive lookups in one buffer scan forward only.
  private memoIndex = 0;
  private memoByte = 0;
  private memoLine = 1;

  /** Rows seen so far (complete or not). */
  get rowsSeen(): number {
    return this.rowIndex;
  }

  /** Whether the root element was closed (false at end = truncated file). */
  get complete(): boolean {
    return this.rootClosed;
  }

  /**
   * Characters of text the scan has started from, summed over scans: a measure of the scanner's work that
   * stays within a small multiple of the input's length however the input is cut or shaped (tests check it).
   */
  get workChars(): number {
    return this.scannedChars;
  }

  constructor(options: ScannerOptions = {}) {
    this.fieldPatterns = options.fieldPatterns ?? {};
    this.limits = { ...DEFAULT_XML_LIMITS, ...options.limits };
  }

  push(text: string): ScanEvent[] {
    if (!this.mayHaveReplacement && text.includes('\uFFFD')) this.mayHaveReplacement = true;
    this.held.push(text);
    this.heldChars += text.length;
    if (this.heldChars < this.stalledChars) return [];
    this.discardConsumed();
    this.appendHeld();
    this.scan(false);
    this.stalledChars = this.buffer.length - this.pos;
    return this.take();
  }

  end(): ScanEvent[] {
    this.discardConsumed();
    this.appendHeld();
    this.scan(true);
    if (this.state === 'prolog') {
      const rest = this.buffer.slice(this.pos);
      const detail =
        rest.trim().length > 0
          ? 'the file ends before its root element starts'
          : 'the file has no root element';
      this.problem(null, this.pos, this.buffer.length, 'truncated', detail);
    } else if (this.state === 'root' && !this.cutLastRow) {
      const rest = this.buffer.slice(this.pos);
      if (rest.trim().length > 0) {
        this.problem(
          this.rowIndex,
          this.pos,
          this.buffer.length,
          'truncated',
          `the file ends inside row ${this.rowIndex}`,
        );
        this.rowIndex++;
      } else {
        this.problem(null, this.pos, this.pos, 'truncated', `the file ends before </${this.rootName}>`);
      }
    }
    return this.take();
  }

  private appendHeld(): void {
    if (this.held.length === 0) return;
    this.buffer += this.held.length === 1 ? this.held[0]! : this.held.join('');
    this.held = [];
    this.heldChars = 0;
  }

  /**
   * Throws when a construct from buffer index `start` spanning `chars` characters (so far, for one still
   * unfinished) is beyond `limit`. Checked on finished constructs too, so the verdict does not depend on
   * how the input was cut into pushes.
   */
  private checkLimit(limit: keyof XmlLimits, start: number, chars: number, what: string): void {
    if (chars > this.limits[limit]) throw this.limitError(limit, start, what);
  }

  private limitError(limit: keyof XmlLimits, start: number, what: string): XmlLimitExceededError {
    const { byteOffset, line } = this.locate(start);
    return new XmlLimitExceededError(limit, this.limits[limit], what, byteOffset, line);
  }

  private take(): ScanEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private scan(atEnd: boolean): void {
    this.scannedChars += this.buffer.length - this.pos;
    for (;;) {
      const progressed =
        this.state === 'prolog'
          ? this.scanProlog(atEnd)
          : this.state === 'root'
            ? this.scanRootLevel(atEnd)
            : this.scanAfterRoot();
      if (!progressed) return;
    }
  }

  /** Declaration, comments, processing instructions, DOCTYPE, then the root start tag. */
  private scanProlog(atEnd: boolean): boolean {
    const b = this.buffer;
    this.pos = skipWhitespace(b, this.pos);
    if (this.pos >= b.length) return false;
    if (b.charCodeAt(this.pos) !== 60 /* < */) {
      const next = b.indexOf('<', this.pos);
      const stop = next < 0 ? b.length : next;
      this.checkLimit('maxTextChars', this.pos, stop - this.pos, 'text before the root element');
      if (next < 0 && !atEnd) return false;
      this.problem(null, this.pos, stop, 'malformed_xml', 'text before the root element');
      this.pos = stop;
      return true;
    }
    if (b.startsWith('<?', this.pos)) return this.skipUntil('?>', atEnd, 'processing instruction');
    if (b.startsWith('<!--', this.pos)) return this.skipUntil('-->', atEnd, 'comment');
    if (b.startsWith('<!DOCTYPE', this.pos) || b.startsWith('<!doctype', this.pos)) {
      const endAt = doctypeEnd(b, this.pos);
      this.checkLimit('maxDoctypeChars', this.pos, (endAt < 0 ? b.length : endAt) - this.pos, 'a DOCTYPE');
      if (endAt < 0) {
        if (!atEnd) return false;
        const stop = b.length;
        this.problem(
          null,
          this.pos,
          stop,
          'doctype_not_allowed',
          'an unterminated DOCTYPE (never processed)',
        );
        this.pos = stop;
        return true;
      }
      this.problem(
        null,
        this.pos,
        endAt,
        'doctype_not_allowed',
        'DataSet XML has no DOCTYPE; it was not processed (no entity declarations, no external references) and rows that use its entities are quarantined',
      );
      this.pos = endAt;
      return true;
    }
    const gt = b.indexOf('>', this.pos);
    this.checkLimit('maxTagChars', this.pos, (gt < 0 ? b.length : gt + 1) - this.pos, 'the root start tag');
    if (gt < 0) return atEnd ? this.cutPrologAtEnd() : false;
    const tag = b.slice(this.pos + 1, gt);
    if (!isName(tagName(tag))) {
      this.problem(
        null,
        this.pos,
        gt + 1,
        'malformed_xml',
        `<${tag.slice(0, 40)}> is not a valid root element`,
      );
      this.pos = gt + 1;
      return true;
    }
    this.rootName = tagName(tag);
    this.pos = gt + 1;
    if (tag.endsWith('/')) {
      this.rootClosed = true;
      this.state = 'after-root';
    } else {
      this.state = 'root';
    }
    return true;
  }

  private cutPrologAtEnd(): boolean {
    this.problem(null, this.pos, this.buffer.length, 'truncated', 'the file ends inside the root start tag');
    this.pos = this.buffer.length;
    return false;
  }

  /** Children of the root: rows, plus comments, PIs and whitespace. */
  private scanRootLevel(atEnd: boolean): boolean {
    const b = this.buffer;
    this.pos = skipWhitespace(b, this.pos);
    if (this.pos >= b.length) return false;
    if (b.charCodeAt(this.pos) !== 60 /* < */) {
      const next = b.indexOf('<', this.pos);
      const stop = next < 0 ? b.length : next;
      this.checkLimit('maxTextChars', this.pos, stop - this.pos, 'text between rows');
      if (next < 0 && !atEnd) return false;
      this.problem(null, this.pos, stop, 'malformed_xml', 'text between rows');
      this.pos = stop;
      return true;
    }
    if (b.startsWith('</', this.pos)) {
      const gt = b.indexOf('>', this.pos);
      this.checkLimit('maxTagChars', this.pos, (gt < 0 ? b.length : gt + 1) - this.pos, 'a closing tag');
      if (gt < 0) return atEnd ? this.cutAtEnd('the file ends inside the closing root tag') : false;
      const name = b.slice(this.pos + 2, gt).trim();
      if (name !== this.rootName) {
        this.problem(
          null,
          this.pos,
          gt + 1,
          'malformed_xml',
          `a stray </${name}> between rows (the root is <${this.rootName}>)`,
        );
        this.pos = gt + 1;
        return true;
      }
      this.pos = gt + 1;
      this.rootClosed = true;
      this.state = 'after-root';
      return true;
    }
    if (b.startsWith('<!--', this.pos)) return this.skipUntil('-->', atEnd, 'comment');
    if (b.startsWith('<?', this.pos)) return this.skipUntil('?>', atEnd, 'processing instruction');
    if (b.startsWith('<!', this.pos)) {
      const gt = b.indexOf('>', this.pos);
      const stop = gt < 0 ? b.length : gt + 1;
      this.checkLimit('maxDoctypeChars', this.pos, stop - this.pos, 'a declaration');
      if (gt < 0 && !atEnd) return false;
      this.problem(null, this.pos, stop, 'malformed_xml', 'a declaration or CDATA between rows');
      this.pos = stop;
      return true;
    }
    return this.scanRow(atEnd);
  }

  /** One row: `<tag>` fields `</tag>`, or a problem record and a resynchronisation point. */
  private scanRow(atEnd: boolean): boolean {
    const b = this.buffer;
    const start = this.pos;
    if (this.rowPattern) {
      // Fast path: a row exactly like the previous one (same tag, same fields in the same order, plain
      // text values) is matched by one compiled regular expression; anything else takes the general path.
      this.rowPattern.lastIndex = start;
      const match = this.rowPattern.exec(b);
      if (match) {
        // Inline (no message built) on the hot path: every fast-path row comes through here.
        if (this.rowPattern.lastIndex - start > this.limits.maxRowChars)
          throw this.limitError('maxRowChars', start, `row ${this.rowIndex}`);
        this.pos = this.rowPattern.lastIndex;
        this.events.push(
          new MatchedRow(this.rowIndex++, this.lastTag, this.lastOrder, match, this.rowPatterned, start),
        );
        return true;
      }
    }
    // Rows of a file share one tag: try the last one first, without slicing.
    const last = this.lastTag;
    let gt: number;
    let openTag: string;
    let tag: string;
    if (last && b.charCodeAt(start + 1 + last.length) === 62 /* > */ && b.startsWith(last, start + 1)) {
      gt = start + 1 + last.length;
      openTag = tag = last;
    } else {
      gt = b.indexOf('>', start);
      this.checkLimit(
        'maxTagChars',
        start,
        (gt < 0 ? b.length : gt + 1) - start,
        `the start tag of row ${this.rowIndex}`,
      );
      if (gt < 0) return atEnd ? this.cutRowAtEnd(start) : false;
      openTag = b.slice(start + 1, gt);
      tag = tagName(openTag);
    }
    if (!isName(tag)) {
      const next = nextTagStart(b, gt + 1);
      this.problem(
        this.rowIndex++,
        start,
        next < 0 ? gt + 1 : next,
        'malformed_xml',
        `<${openTag}> is not a valid element start`,
      );
      this.pos = next < 0 ? gt + 1 : next;
      return true;
    }
    const index = this.rowIndex;
    if (openTag.endsWith('/')) {
      this.pos = gt + 1;
      this.rowIndex++;
      this.emitRow(index, tag, {}, [], start, gt + 1);
      return true;
    }
    if (tag !== this.lastTag) {
      this.lastTag = tag;
      this.lastCloseTag = `</${tag}>`;
    }
    const closeTag = this.lastCloseTag;
    const close = b.indexOf(closeTag, gt + 1);
    if (close < 0) {
      // A next row start with the same tag means this row will never close: cut it there.
      const nextRow = b.indexOf(`<${tag}>`, gt + 1);
      this.checkLimit('maxRowChars', start, (nextRow < 0 ? b.length : nextRow) - start, `row ${index}`);
      if (atEnd && nextRow < 0) return this.cutRowAtEnd(start);
      if (nextRow >= 0) {
        this.rowIndex++;
        this.problem(
          index,
          start,
          nextRow,
          'malformed_xml',
          `row <${tag}> is not closed before the next row starts`,
        );
        this.pos = nextRow;
        return true;
      }
      return false;
    }
    const end = close + closeTag.length;
    const parsed = parseFields(b, gt + 1, close, tag, this.lastOrder, this.limits.maxTagChars);
    if (
      (parsed.ok || parsed.resyncAt === undefined ? end : parsed.resyncAt) - start >
      this.limits.maxRowChars
    )
      throw this.limitError('maxRowChars', start, `row ${index}`);
    if (!parsed.ok && parsed.reason === 'tag_too_long')
      throw this.limitError('maxTagChars', parsed.tagAt, `a field tag in row ${index}`);
    this.rowIndex++;
    if (parsed.ok) {
      if (parsed.order !== this.lastOrder || this.rowPattern === undefined) {
        this.lastOrder = parsed.order;
        this.rowPattern = rowPatternFor(tag, parsed.order, this.fieldPatterns);
        this.rowPatterned =
          this.rowPattern !== undefined &&
          parsed.order.every((name) => Object.hasOwn(this.fieldPatterns, name));
      }
      this.pos = end;
      this.emitRow(index, tag, parsed.fields, parsed.order, start, end);
      return true;
    }
    // An unterminated row followed by the next row: cut before the next row so it is not lost.
    const stop = parsed.resyncAt ?? end;
    this.problem(index, start, stop, parsed.reason, parsed.detail);
    this.pos = stop;
    return true;
  }

  private emitRow(
    index: number,
    tag: string,
    fields: Record<string, string>,
    order: string[],
    start: number,
    end: number,
  ): void {
    this.events.push({ type: 'row', index, tag, fields, order, raw: this.buffer.slice(start, end), start });
  }

  /** Byte offset and line of a row event's `start`, for events from the latest `push` or `end`. */
  position(start: number): { byteOffset: number; line: number } {
    return this.locate(start);
  }

  private cutRowAtEnd(start: number): boolean {
    this.cutLastRow = true;
    this.problem(
      this.rowIndex++,
      start,
      this.buffer.length,
      'truncated',
      `the file ends inside row ${this.rowIndex - 1}`,
    );
    this.pos = this.buffer.length;
    return false;
  }

  private cutAtEnd(detail: string): boolean {
    this.problem(null, this.pos, this.buffer.length, 'truncated', detail);
    this.pos = this.buffer.length;
    return false;
  }

  private scanAfterRoot(): boolean {
    const b = this.buffer;
    this.pos = skipWhitespace(b, this.pos);
    if (this.pos >= b.length) return false;
    if (b.startsWith('<!--', this.pos)) return this.skipUntil('-->', false, 'comment');
    this.problem(null, this.pos, b.length, 'malformed_xml', `content after </${this.rootName}>`);
    this.pos = b.length;
    return false;
  }

  private skipUntil(terminator: string, atEnd: boolean, what: string): boolean {
    const endAt = this.buffer.indexOf(terminator, this.pos);
    const stop = endAt < 0 ? this.buffer.length : endAt + terminator.length;
    this.checkLimit('maxCommentChars', this.pos, stop - this.pos, `a ${what}`);
    if (endAt < 0) return atEnd ? this.cutAtEnd(`the file ends inside a ${what}`) : false;
    this.pos = stop;
    return true;
  }

  private problem(
    index: number | null,
    start: number,
    end: number,
    reason: ScanProblemReason,
    detail: string,
  ): void {
    const { byteOffset, line } = this.locate(start);
    const raw = this.buffer.slice(start, Math.min(end, start + MAX_RAW_CHARS));
    const explained = reason === 'malformed_xml' && index !== null ? explainMalformed(raw, detail) : detail;
    this.events.push({
      type: 'problem',
      index,
      reason,
      detail: explained,
      raw,
      rawTruncated: end - start > MAX_RAW_CHARS,
      byteOffset,
      line,
    });
  }

  /** Byte offset and line of a buffer index (events come in order, so this scans forward once). */
  private locate(index: number): { byteOffset: number; line: number } {
    if (index < this.memoIndex) {
      this.memoIndex = 0;
      this.memoByte = this.bufferByte;
      this.memoLine = this.bufferLine;
    }
    const b = this.buffer;
    this.memoLine += countNewlines(b, this.memoIndex, index);
    this.memoByte += Buffer.byteLength(b.slice(this.memoIndex, index));
    this.memoIndex = index;
    return { byteOffset: this.memoByte, line: this.memoLine };
  }

  /** Drops the consumed part of the buffer, keeping byte and line positions right. */
  private discardConsumed(): void {
    if (this.pos === 0) return;
    const { byteOffset, line } = this.locate(this.pos);
    this.buffer = this.buffer.slice(this.pos);
    this.pos = 0;
    this.bufferByte = byteOffset;
    this.bufferLine = line;
    this.memoIndex = 0;
    this.memoByte = byteOffset;
    this.memoLine = line;
  }
}

type FieldParse =
  | { ok: true; fields: Record<string, string>; order: string[] }
  | { ok: false; reason: 'malformed_xml' | 'entity_not_allowed'; detail: string; resyncAt?: number }
  | { ok: false; reason: 'tag_too_long'; tagAt: number; resyncAt?: undefined };

/**
 * Parses the fields between a row's start tag (ending at `from`) and its closing tag (at `to`). Every
 * search stays before `to` (or stops at the closing tag), so a row costs time in its own length only.
 */
function parseFields(
  b: string,
  from: number,
  to: number,
  rowTag: string,
  predicted: string[],
  maxTagChars: number,
): FieldParse {
  const fields: Record<string, string> = {};
  // While every field matches the previous row's, its order array is shared instead of rebuilt.
  let order: string[] = predicted;
  let count = 0;
  let p = from;
  for (;;) {
    p = skipWhitespace(b, p);
    if (p >= to) {
      if (order === predicted && count !== predicted.length) order = predicted.slice(0, count);
      return { ok: true, fields, order };
    }
    if (b.charCodeAt(p) !== 60 /* < */) {
      return { ok: false, reason: 'malformed_xml', detail: `text "${preview(b, p, to)}" outside any field` };
    }
    const next = b.charCodeAt(p + 1);
    if (next === 33 /* ! */ && b.startsWith('<!--', p)) {
      const endComment = indexBefore(b, '-->', p, to);
      if (endComment < 0)
        return { ok: false, reason: 'malformed_xml', detail: 'an unterminated comment inside the row' };
      p = endComment + 3;
      continue;
    }
    // Fast path: the field the previous row had at this position, as `<name>`.
    const guess = order === predicted ? predicted[count] : undefined;
    let name: string;
    let gt: number;
    if (
      guess !== undefined &&
      b.charCodeAt(p + 1 + guess.length) === 62 /* > */ &&
      b.startsWith(guess, p + 1)
    ) {
      name = guess;
      gt = p + 1 + guess.length;
    } else {
      if (order === predicted) order = predicted.slice(0, count);
      gt = b.indexOf('>', p);
      if (gt < 0 || gt >= to)
        return { ok: false, reason: 'malformed_xml', detail: 'an unterminated tag inside the row' };
      if (gt + 1 - p > maxTagChars) return { ok: false, reason: 'tag_too_long', tagAt: p };
      if (next === 47 /* / */)
        return {
          ok: false,
          reason: 'malformed_xml',
          detail: `an unexpected <${b.slice(p + 1, gt)}> inside the row`,
        };
      name = b.slice(p + 1, tagNameEnd(b, p + 1, gt));
      if (name === rowTag) {
        return {
          ok: false,
          reason: 'malformed_xml',
          detail: `row <${rowTag}> is not closed before the next row starts`,
          resyncAt: p,
        };
      }
      if (!isName(name))
        return {
          ok: false,
          reason: 'malformed_xml',
          detail: `<${b.slice(p + 1, gt)}> is not a valid element start`,
        };
    }
    if (b.charCodeAt(gt - 1) === 47 /* / */) {
      fields[name] ??= '';
      if (order === predicted) order = predicted.slice(0, count);
      order.push(name);
      count++;
      p = gt + 1;
      continue;
    }
    const valueStart = gt + 1;
    let valueEnd = b.indexOf('<', valueStart);
    let value: string;
    if (valueEnd >= 0 && b.charCodeAt(valueEnd + 1) === 33 /* ! */ && b.startsWith('<![CDATA[', valueEnd)) {
      const cdataEnd = indexBefore(b, ']]>', valueEnd, to);
      if (cdataEnd < 0)
        return { ok: false, reason: 'malformed_xml', detail: `an unterminated CDATA section in <${name}>` };
      value = b.slice(valueStart, valueEnd) + b.slice(valueEnd + 9, cdataEnd);
      valueEnd = b.indexOf('<', cdataEnd + 3);
    } else {
      value = b.slice(valueStart, valueEnd);
    }
    if (valueEnd < 0 || valueEnd >= to)
      return { ok: false, reason: 'malformed_xml', detail: `<${name}> is not closed` };
    if (!isCloseTag(b, valueEnd, name)) {
      const found = b.slice(valueEnd, Math.min(b.indexOf('>', valueEnd) + 1 || to, to));
      if (found.startsWith(`<${rowTag}>`)) {
        return {
          ok: false,
          reason: 'malformed_xml',
          detail: `row <${rowTag}> is not closed before the next row starts`,
          resyncAt: valueEnd,
        };
      }
      return {
        ok: false,
        reason: 'malformed_xml',
        detail: `<${name}> is closed by ${found} instead of </${name}>`,
      };
    }
    if (value.includes('&')) {
      const resolved = resolveEntities(value);
      if (!resolved.ok) {
        return {
          ok: false,
          reason: 'entity_not_allowed',
          detail: `<${name}> uses the entity ${resolved.entity}; only &lt; &gt; &amp; &quot; &apos; and character references are resolved`,
        };
      }
      value = resolved.text;
    }
    if (!(name in fields)) fields[name] = value;
    if (order !== predicted) order.push(name);
    count++;
    p = valueEnd + name.length + 3;
  }
}

/**
 * A sticky regular expression for one complete row with exactly these fields in this order, plain text
 * values only (no '<' or '&': entities and CDATA go through parseFields), each field's text matching its
 * pattern where one is given. Names are XML names, so they need no escaping beyond '.' and '-'.
 */
function rowPatternFor(
  tag: string,
  order: string[],
  fieldPatterns: Readonly<Record<string, string>>,
): RegExp | undefined {
  if (order.length === 0 || new Set(order).size !== order.length) return undefined;
  const escape = (name: string) => name.replace(/[.-]/g, (c) => `\\${c}`);
  const text = (name: string) => (Object.hasOwn(fieldPatterns, name) ? fieldPatterns[name] : '[^<&]*');
  // XML whitespace only (what skipWhitespace takes): \s would also pass U+00A0, U+3000 and others, which the
  // general path refuses, so a row's fate would depend on which path read it.
  const space = '[ \\t\\r\\n]*';
  const fields = order.map((name) => `${space}<${escape(name)}>(${text(name)})</${escape(name)}>`).join('');
  return new RegExp(`<${escape(tag)}>${fields}${space}</${escape(tag)}>`, 'y');
}

/**
 * A row read by the fast path. Its texts stay in the match (group i + 1 is field i); `fields` is built only
 * if asked for, and `raw` is the match itself (the regular expression spans the whole row).
 */
class MatchedRow implements ScannedRow {
  readonly type = 'row' as const;
  readonly index: number;
  readonly tag: string;
  readonly order: string[];
  readonly match: RegExpExecArray;
  readonly patterned: boolean;
  readonly start: number;
  private fieldsBuilt?: Record<string, string>;

  constructor(
    index: number,
    tag: string,
    order: string[],
    match: RegExpExecArray,
    patterned: boolean,
    start: number,
  ) {
    this.index = index;
    this.tag = tag;
    this.order = order;
    this.match = match;
    this.patterned = patterned;
    this.start = start;
  }

  get raw(): string {
    return this.match[0];
  }

  get fields(): Record<string, string> {
    if (this.fieldsBuilt === undefined) {
      const fields: Record<string, string> = {};
      for (let i = 0; i < this.order.length; i++) fields[this.order[i]!] = this.match[i + 1]!;
      this.fieldsBuilt = fields;
    }
    return this.fieldsBuilt;
  }
}

/** Whether `</name>` starts at `at` (compared in place: no string is built). */
function isCloseTag(b: string, at: number, name: string): boolean {
  if (b.charCodeAt(at + 1) !== 47 /* / */ || b.charCodeAt(at + 2 + name.length) !== 62 /* > */) return false;
  return b.startsWith(name, at + 2);
}

/** End of an element name that starts at `from` (before whitespace, '/' or '>'). */
function tagNameEnd(b: string, from: number, limit: number): number {
  let end = from;
  while (end < limit) {
    const c = b.charCodeAt(end);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 /* / */) break;
    end++;
  }
  return end;
}

/** The end (exclusive) of a DOCTYPE starting at `start`, honouring an internal subset and quotes; -1 if incomplete. */
function doctypeEnd(b: string, start: number): number {
  let inSubset = false;
  let quote = 0;
  for (let i = start + 9; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 91 /* [ */) inSubset = true;
    else if (c === 93 /* ] */) inSubset = false;
    else if (c === 62 /* > */ && !inSubset) return i + 1;
  }
  return -1;
}

/** Uses fast-xml-parser's validator to say precisely what is wrong with a malformed fragment. */
function explainMalformed(raw: string, detail: string): string {
  if (raw.length > 8192) return detail;
  const result = XMLValidator.validate(raw);
  if (result === true) return detail;
  return `${detail} (${result.err.msg.replace(/\.$/, '')} at line ${result.err.line}, column ${result.err.col} of the fragment)`;
}

function tagName(tagText: string): string {
  let end = 0;
  while (end < tagText.length) {
    const c = tagText.charCodeAt(end);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 /* / */) break;
    end++;
  }
  return tagText.slice(0, end);
}

/** XML name check on the ASCII subset DataSet writes: [A-Za-z_:][-A-Za-z0-9_:.]* (a char loop: hot path). */
function isName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
    if (letter) continue;
    const later = (c >= 48 && c <= 57) || c === 45 || c === 46;
    if (!later || i === 0) return false;
  }
  return true;
}

function nextTagStart(b: string, from: number): number {
  return b.indexOf('<', from);
}

function skipWhitespace(b: string, p: number): number {
  for (;;) {
    const c = b.charCodeAt(p);
    if (c === 32 || c === 10 || c === 13 || c === 9) p++;
    else return p;
  }
}

/** Newlines in b[from, to): searched in a slice, so a long line after `to` is never walked. */
function countNewlines(b: string, from: number, to: number): number {
  if (to <= from) return 0;
  const part = b.slice(from, to);
  let count = 0;
  for (let i = part.indexOf('\n'); i >= 0; i = part.indexOf('\n', i + 1)) count++;
  return count;
}

/** `b.indexOf(needle, from)` when it is before `to`, else -1, without searching past `to`. */
function indexBefore(b: string, needle: string, from: number, to: number): number {
  if (to <= from) return -1;
  const at = b.slice(from, to).indexOf(needle);
  return at < 0 ? -1 : from + at;
}

function preview(b: string, from: number, to: number): string {
  const text = b.slice(from, Math.min(to, from + 40));
  return text.length < to - from ? `${text}…` : text;
}
