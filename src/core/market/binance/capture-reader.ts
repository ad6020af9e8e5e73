/**
 * Reads a Binance capture: text lines of `<local receive ns> <raw JSON>`, as written by the hftbacktest
 * collector. The caller hands in already-decompressed bytes (pipe a file through `zlib.createGunzip()`, or
 * stream an object from the store), so this stays free of I/O.
 *
 * Nothing is thrown for bad input and nothing disappears: each line becomes a message or is counted as
 * unknown or malformed in `FeedStats`, with the first few kept as examples.
 */
import type {
  BboMessage,
  DepthSnapshotMessage,
  DepthUpdateMessage,
  FeedMessage,
  FeedStats,
  PriceLevel,
  RejectedLine,
  TradeMessage,
} from './messages.ts';

export type DecodedLine =
  | { readonly ok: true; readonly message: FeedMessage }
  | { readonly ok: false; readonly category: 'unknown' | 'malformed'; readonly reason: string };

export interface ReadCaptureOptions {
  /** Rejected lines kept per category as examples (default 5). */
  maxExamples?: number;
}

/**
 * Streams the messages of a capture, counting every line into `stats` (which the caller owns, so the
 * counts are readable once iteration ends, or midway).
 */
export async function* readCaptureMessages(
  bytes: AsyncIterable<Uint8Array>,
  stats: FeedStats,
  options: ReadCaptureOptions = {},
): AsyncGenerator<FeedMessage> {
  const maxExamples = options.maxExamples ?? 5;
  const splitter = new LineSplitter();
  for await (const chunk of bytes) {
    stats.bytes += chunk.byteLength;
    // A chunk's lines are decoded before the next chunk is read, so one chunk's worth of messages is the
    // most this holds at once.
    for (const line of splitter.push(chunk)) {
      const message = decodeCounted(line, ++stats.lines, stats, maxExamples);
      if (message) yield message;
    }
  }
  for (const line of splitter.end()) {
    const message = decodeCounted(line, ++stats.lines, stats, maxExamples);
    if (message) yield message;
  }
}

function decodeCounted(
  line: string,
  lineNumber: number,
  stats: FeedStats,
  maxExamples: number,
): FeedMessage | undefined {
  const decoded = decodeCaptureLine(line, lineNumber);
  if (decoded.ok) {
    stats.messages[decoded.message.type]++;
    return decoded.message;
  }
  stats[decoded.category]++;
  const examples = stats.examples[decoded.category];
  if (examples.length < maxExamples) examples.push(rejected(lineNumber, decoded.reason, line));
  return undefined;
}

function rejected(line: number, reason: string, text: string): RejectedLine {
  return { line, reason, text: text.length > 200 ? `${text.slice(0, 200)}…` : text };
}

/**
 * Splits a byte stream into text lines. A line may straddle chunks, and UTF-8 characters may too (the
 * streaming TextDecoder keeps partial characters). `\r\n` endings are accepted; a last line without a
 * newline still counts.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';

  push(chunk: Uint8Array): string[] {
    return this.take(this.pending + this.decoder.decode(chunk, { stream: true }));
  }

  end(): string[] {
    const lines = this.take(this.pending + this.decoder.decode());
    if (this.pending !== '') lines.push(stripCr(this.pending));
    this.pending = '';
    return lines;
  }

  private take(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      lines.push(stripCr(text.slice(start, newline)));
      start = newline + 1;
    }
    this.pending = text.slice(start);
    return lines;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

const NANOSECONDS = /^\d{1,20}$/;

/** Decodes one capture line (without its newline). */
export function decodeCaptureLine(line: string, lineNumber = 0): DecodedLine {
  if (line === '') return malformed('empty line');
  const space = line.indexOf(' ');
  if (space <= 0) return malformed('not "<receive ns> <json>"');
  const nsText = line.slice(0, space);
  if (!NANOSECONDS.test(nsText)) return malformed(`receive time "${nsText.slice(0, 24)}" is not integer ns`);
  let raw: unknown;
  try {
    raw = JSON.parse(line.slice(space + 1));
  } catch {
    return malformed('invalid JSON');
  }
  if (!isRecord(raw)) return malformed('JSON is not an object');
  const received = { localNs: BigInt(nsText), localMs: nsToMs(nsText), line: lineNumber };

  if (typeof raw.stream === 'string' && isRecord(raw.data)) {
    const stream = raw.stream;
    const { kind } = parseStreamName(stream);
    if (kind === 'bookTicker') return decodeBbo(raw.data, received);
    if (kind === 'trade') return decodeTrade(raw.data, received);
    // `depth`, `depth@100ms`, `depth@0ms` are the diff-depth stream; `depth5`, `depth20@100ms` are
    // partial-book streams with another shape, left to "unknown".
    if (/^depth(@\d+ms)?$/.test(kind)) return decodeDepthUpdate(raw.data, received);
    return unknown(`stream "${stream.slice(0, 60)}"`);
  }
  if ('lastUpdateId' in raw) return decodeSnapshot(raw, received);
  return unknown(
    'neither a combined-stream message ("stream", "data") nor a depth snapshot ("lastUpdateId")',
  );
}

/** A combined-stream name, `<symbol>@<kind>` (e.g. `btcusdt@depth@100ms`): the symbol upper-cased as the
 * exchange spells it in payloads and REST calls, and the stream kind. The name is the same on spot and
 * USD-M futures (the venue is the host, which a capture line does not carry). */
export function parseStreamName(stream: string): { symbol: string; kind: string } {
  const at = stream.indexOf('@');
  if (at < 0) return { symbol: '', kind: stream };
  return { symbol: stream.slice(0, at).toUpperCase(), kind: stream.slice(at + 1) };
}

/**
 * ns → ms without going through a float of the whole ns value (19 digits exceed float64's 15.9): the ms
 * part and the sub-ms part are converted separately.
 */
function nsToMs(ns: string): number {
  const whole = ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
  return whole + Number(ns.slice(-6)) / 1e6;
}

type ReceivedFields = { localNs: bigint; localMs: number; line: number };

function decodeBbo(data: Record<string, unknown>, received: ReceivedFields): DecodedLine {
  const updateId = integer(data.u);
  const symbol = data.s;
  const bid = decimal(data.b);
  const bidQty = decimal(data.B);
  const ask = decimal(data.a);
  const askQty = decimal(data.A);
  if (updateId === undefined) return malformed('bookTicker: "u" is not an integer');
  if (typeof symbol !== 'string') return malformed('bookTicker: "s" is not a string');
  if (bid === undefined || bidQty === undefined || ask === undefined || askQty === undefined)
    return malformed('bookTicker: "b", "B", "a" or "A" is not a decimal');
  const exchangeMs = data.E === undefined ? undefined : integer(data.E);
  if (data.E !== undefined && exchangeMs === undefined) return malformed('bookTicker: "E" is not an integer');
  const message: BboMessage = {
    type: 'bbo',
    ...received,
    symbol,
    updateId,
    bid,
    bidQty,
    ask,
    askQty,
    ...(exchangeMs === undefined ? {} : { exchangeMs }),
  };
  return { ok: true, message };
}

function decodeTrade(data: Record<string, unknown>, received: ReceivedFields): DecodedLine {
  if (data.e !== undefined && data.e !== 'trade')
    return malformed(`trade stream: event type "${String(data.e)}"`);
  const symbol = data.s;
  const tradeId = integer(data.t);
  const price = decimal(data.p);
  const qty = decimal(data.q);
  const tradeMs = integer(data.T);
  const exchangeMs = integer(data.E);
  if (typeof symbol !== 'string') return malformed('trade: "s" is not a string');
  if (tradeId === undefined || tradeMs === undefined || exchangeMs === undefined)
    return malformed('trade: "t", "T" or "E" is not an integer');
  if (price === undefined || qty === undefined) return malformed('trade: "p" or "q" is not a decimal');
  if (typeof data.m !== 'boolean') return malformed('trade: "m" is not a boolean');
  const aggressor = data.m ? -1 : 1;
  const message: TradeMessage = {
    type: 'trade',
    ...received,
    symbol,
    tradeId,
    price,
    qty,
    aggressor,
    tradeMs,
    exchangeMs,
  };
  return { ok: true, message };
}

function decodeDepthUpdate(data: Record<string, unknown>, received: ReceivedFields): DecodedLine {
  if (data.e !== undefined && data.e !== 'depthUpdate')
    return malformed(`depth stream: event type "${String(data.e)}"`);
  const symbol = data.s;
  const firstUpdateId = integer(data.U);
  const finalUpdateId = integer(data.u);
  const exchangeMs = integer(data.E);
  const bids = levels(data.b);
  const asks = levels(data.a);
  if (typeof symbol !== 'string') return malformed('depthUpdate: "s" is not a string');
  if (firstUpdateId === undefined || finalUpdateId === undefined || exchangeMs === undefined)
    return malformed('depthUpdate: "U", "u" or "E" is not an integer');
  if (firstUpdateId > finalUpdateId) return malformed('depthUpdate: "U" is after "u"');
  const previousFinalUpdateId = data.pu === undefined ? undefined : integer(data.pu);
  if (data.pu !== undefined && previousFinalUpdateId === undefined)
    return malformed('depthUpdate: "pu" is not an integer');
  if (bids === undefined || asks === undefined)
    return malformed('depthUpdate: "b" or "a" is not a list of [price, qty] decimals');
  const message: DepthUpdateMessage = {
    type: 'depthUpdate',
    ...received,
    symbol,
    firstUpdateId,
    finalUpdateId,
    ...(previousFinalUpdateId === undefined ? {} : { previousFinalUpdateId }),
    exchangeMs,
    bids,
    asks,
  };
  return { ok: true, message };
}

function decodeSnapshot(data: Record<string, unknown>, received: ReceivedFields): DecodedLine {
  const lastUpdateId = integer(data.lastUpdateId);
  const bids = levels(data.bids);
  const asks = levels(data.asks);
  if (lastUpdateId === undefined) return malformed('depth snapshot: "lastUpdateId" is not an integer');
  if (bids === undefined || asks === undefined)
    return malformed('depth snapshot: "bids" or "asks" is not a list of [price, qty] decimals');
  const message: DepthSnapshotMessage = { type: 'depthSnapshot', ...received, lastUpdateId, bids, asks };
  return { ok: true, message };
}

/** `[["price", "qty"], ...]` with a positive price and a non-negative quantity, or undefined. */
function levels(value: unknown): PriceLevel[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: PriceLevel[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const pair: unknown = value[i];
    if (!Array.isArray(pair) || pair.length < 2) return undefined;
    const price = decimal(pair[0]);
    const qty = decimal(pair[1]);
    if (price === undefined || qty === undefined || price <= 0 || qty < 0) return undefined;
    out[i] = { price, qty };
  }
  return out;
}

const DECIMAL = /^-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?$/;

/**
 * Binance sends prices and quantities as decimal strings, to keep their exact digits; numbers also pass.
 * The pattern check matters: `Number` alone would read "", " " and "0x1f" as numbers.
 */
function decimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(reason: string): DecodedLine {
  return { ok: false, category: 'malformed', reason };
}

function unknown(reason: string): DecodedLine {
  return { ok: false, category: 'unknown', reason };
}
