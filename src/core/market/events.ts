/**
 * The engine's event stream in columnar form: one typed array per field, one allocation per column, no
 * per-event objects. The backtester walks indexes 0..length-1 and reads the columns it needs.
 *
 * Field meaning by kind:
 *   TRADE  price/size = trade price and quantity; side = aggressor (+1 buy, -1 sell, 0 unknown)
 *   BBO    price/size = best bid and its size; price2/size2 = best ask and its size; side = 0
 *   DEPTH  price/size = one level after the update (size 0 = level removed); side = +1 bid, -1 ask;
 *          flags & DEPTH_SNAPSHOT marks levels of a full snapshot (clear the book before the first one)
 * Timestamps are UTC epoch milliseconds as float64 (sub-millisecond precision is kept: at 2026 epoch
 * values a float64 resolves about 0.25 µs).
 */
export const EVENT_TRADE = 1;
export const EVENT_BBO = 2;
export const EVENT_DEPTH = 3;
export type EventKind = typeof EVENT_TRADE | typeof EVENT_BBO | typeof EVENT_DEPTH;

export const DEPTH_SNAPSHOT = 1;

export interface EventColumns {
  readonly length: number;
  /** Instrument ids index this table (e.g. KRX codes, or "BTCUSDT"). */
  readonly instruments: readonly string[];
  readonly ts: Float64Array;
  readonly kind: Uint8Array;
  readonly instrument: Uint16Array;
  readonly price: Float64Array;
  readonly size: Float64Array;
  readonly price2: Float64Array;
  readonly size2: Float64Array;
  readonly side: Int8Array;
  readonly flags: Uint8Array;
}

/**
 * Appends events into growing columns and hands out exact-length columns at the end. Growth doubles, so
 * appends are amortised O(1); `finish` copies each column once into its final array.
 */
export class EventColumnsBuilder {
  private capacity: number;
  private count = 0;
  private readonly instrumentIds = new Map<string, number>();
  private readonly instrumentNames: string[] = [];
  private ts: Float64Array;
  private kind: Uint8Array;
  private instrument: Uint16Array;
  private price: Float64Array;
  private size: Float64Array;
  private price2: Float64Array;
  private size2: Float64Array;
  private side: Int8Array;
  private flags: Uint8Array;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    this.ts = new Float64Array(this.capacity);
    this.kind = new Uint8Array(this.capacity);
    this.instrument = new Uint16Array(this.capacity);
    this.price = new Float64Array(this.capacity);
    this.size = new Float64Array(this.capacity);
    this.price2 = new Float64Array(this.capacity);
    this.size2 = new Float64Array(this.capacity);
    this.side = new Int8Array(this.capacity);
    this.flags = new Uint8Array(this.capacity);
  }

  get length(): number {
    return this.count;
  }

  /** The id of an instrument, registering it on first use. */
  instrumentId(name: string): number {
    let id = this.instrumentIds.get(name);
    if (id === undefined) {
      id = this.instrumentNames.length;
      if (id > 0xffff) throw new RangeError('more than 65,536 instruments in one event stream');
      this.instrumentIds.set(name, id);
      this.instrumentNames.push(name);
    }
    return id;
  }

  trade(ts: number, instrument: number, price: number, size: number, aggressor: -1 | 0 | 1): void {
    const i = this.next();
    this.ts[i] = ts;
    this.kind[i] = EVENT_TRADE;
    this.instrument[i] = instrument;
    this.price[i] = price;
    this.size[i] = size;
    this.price2[i] = NaN;
    this.size2[i] = NaN;
    this.side[i] = aggressor;
    this.flags[i] = 0;
  }

  bbo(ts: number, instrument: number, bid: number, bidSize: number, ask: number, askSize: number): void {
    const i = this.next();
    this.ts[i] = ts;
    this.kind[i] = EVENT_BBO;
    this.instrument[i] = instrument;
    this.price[i] = bid;
    this.size[i] = bidSize;
    this.price2[i] = ask;
    this.size2[i] = askSize;
    this.side[i] = 0;
    this.flags[i] = 0;
  }

  depth(ts: number, instrument: number, bookSide: -1 | 1, price: number, size: number, flags = 0): void {
    const i = this.next();
    this.ts[i] = ts;
    this.kind[i] = EVENT_DEPTH;
    this.instrument[i] = instrument;
    this.price[i] = price;
    this.size[i] = size;
    this.price2[i] = NaN;
    this.size2[i] = NaN;
    this.side[i] = bookSide;
    this.flags[i] = flags;
  }

  finish(): EventColumns {
    const n = this.count;
    return {
      length: n,
      instruments: [...this.instrumentNames],
      ts: this.ts.slice(0, n),
      kind: this.kind.slice(0, n),
      instrument: this.instrument.slice(0, n),
      price: this.price.slice(0, n),
      size: this.size.slice(0, n),
      price2: this.price2.slice(0, n),
      size2: this.size2.slice(0, n),
      side: this.side.slice(0, n),
      flags: this.flags.slice(0, n),
    };
  }

  private next(): number {
    if (this.count === this.capacity) this.grow();
    return this.count++;
  }

  private grow(): void {
    this.capacity *= 2;
    this.ts = grown(this.ts, this.capacity);
    this.kind = grown(this.kind, this.capacity);
    this.instrument = grown(this.instrument, this.capacity);
    this.price = grown(this.price, this.capacity);
    this.size = grown(this.size, this.capacity);
    this.price2 = grown(this.price2, this.capacity);
    this.size2 = grown(this.size2, this.capacity);
    this.side = grown(this.side, this.capacity);
    this.flags = grown(this.flags, this.capacity);
  }
}

type TypedArray = Float64Array | Uint8Array | Uint16Array | Int8Array;

function grown<T extends TypedArray>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

/** True when timestamps never decrease: the engine's precondition. */
/**
 * The events stamped in [fromMs, toMs) of a time-ordered table, as views on its columns (no copy); the
 * instrument list (and so every id) is the table's.
 */
export function sliceEvents(events: EventColumns, fromMs: number, toMs: number): EventColumns {
  const start = firstAtOrAfter(events.ts, fromMs);
  const end = firstAtOrAfter(events.ts, toMs);
  return {
    length: Math.max(0, end - start),
    instruments: events.instruments,
    ts: events.ts.subarray(start, end),
    kind: events.kind.subarray(start, end),
    instrument: events.instrument.subarray(start, end),
    price: events.price.subarray(start, end),
    size: events.size.subarray(start, end),
    price2: events.price2.subarray(start, end),
    size2: events.size2.subarray(start, end),
    side: events.side.subarray(start, end),
    flags: events.flags.subarray(start, end),
  };
}

function firstAtOrAfter(ts: Float64Array, target: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isTimeOrdered(events: EventColumns): boolean {
  for (let i = 1; i < events.length; i++) if (events.ts[i]! < events.ts[i - 1]!) return false;
  return true;
}

/**
 * Event columns that grow as chunks are appended: a feed pushed in as it arrives, a stream read in
 * pieces. A chunk's instruments are mapped onto this table's by name (new names are added in the chunk's
 * order), so a chunk may name an instrument never seen before. Growth doubles: amortised O(1) per event.
 * Readers must take the columns afresh after an append (they are replaced when they grow).
 */
export class GrowingEventColumns implements EventColumns {
  length = 0;
  readonly instruments: string[] = [];
  ts = new Float64Array(1024);
  kind = new Uint8Array(1024);
  instrument = new Uint16Array(1024);
  price = new Float64Array(1024);
  size = new Float64Array(1024);
  price2 = new Float64Array(1024);
  size2 = new Float64Array(1024);
  side = new Int8Array(1024);
  flags = new Uint8Array(1024);
  private readonly ids = new Map<string, number>();

  /** Appends a chunk; its events must not be older than the last one appended. */
  append(chunk: EventColumns): void {
    const ids = chunk.instruments.map((name) => {
      let id = this.ids.get(name);
      if (id === undefined) {
        id = this.instruments.length;
        if (id > 0xffff) throw new RangeError('more than 65,536 instruments in one event stream');
        this.ids.set(name, id);
        this.instruments.push(name);
      }
      return id;
    });
    const n = chunk.length;
    if (n === 0) return;
    const last = this.length > 0 ? this.ts[this.length - 1]! : -Infinity;
    if (chunk.ts[0]! < last)
      throw new RangeError(
        `events out of order: a chunk starts at ${chunk.ts[0]} before the last event appended (${last})`,
      );
    const at = this.length;
    if (at + n > this.ts.length) this.grow(at + n);
    this.ts.set(chunk.ts.subarray(0, n), at);
    this.kind.set(chunk.kind.subarray(0, n), at);
    this.price.set(chunk.price.subarray(0, n), at);
    this.size.set(chunk.size.subarray(0, n), at);
    this.price2.set(chunk.price2.subarray(0, n), at);
    this.size2.set(chunk.size2.subarray(0, n), at);
    this.side.set(chunk.side.subarray(0, n), at);
    this.flags.set(chunk.flags.subarray(0, n), at);
    for (let i = 0; i < n; i++) this.instrument[at + i] = ids[chunk.instrument[i]!]!;
    this.length = at + n;
  }

  private grow(needed: number): void {
    let capacity = this.ts.length;
    while (capacity < needed) capacity *= 2;
    const grown = <T extends Float64Array | Uint8Array | Uint16Array | Int8Array>(column: T): T => {
      const next = new (column.constructor as new (n: number) => T)(capacity);
      next.set(column.subarray(0, this.length) as never);
      return next;
    };
    this.ts = grown(this.ts);
    this.kind = grown(this.kind);
    this.instrument = grown(this.instrument);
    this.price = grown(this.price);
    this.size = grown(this.size);
    this.price2 = grown(this.price2);
    this.size2 = grown(this.size2);
    this.side = grown(this.side);
    this.flags = grown(this.flags);
  }
}

/** Event `i` of a table as a one-event table (the same instruments list): for feeding a stream by hand. */
export function eventAt(events: EventColumns, i: number, count = 1): EventColumns {
  const end = Math.min(events.length, i + count);
  return {
    length: end - i,
    instruments: events.instruments,
    ts: events.ts.subarray(i, end),
    kind: events.kind.subarray(i, end),
    instrument: events.instrument.subarray(i, end),
    price: events.price.subarray(i, end),
    size: events.size.subarray(i, end),
    price2: events.price2.subarray(i, end),
    size2: events.size2.subarray(i, end),
    side: events.side.subarray(i, end),
    flags: events.flags.subarray(i, end),
  };
}
