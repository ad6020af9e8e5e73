/**
 * One file's ticks of a (trade date, side) unit, held for the gold recomputation.
 */
import type { BarTick } from '../../features/bars.ts';
import type { TickRow } from '../../xml/krx-rows.ts';
import { growTypedArray } from '../iceberg/index.ts';

export type CompactTick = BarTick;

/**
 * This file's ticks for the gold recomputation, held in typed arrays until then: a million small objects
 * kept alive through the whole read would be promoted and traced by every major collection.
 */
export class UnitTicks {
  private readonly codes: string[] = [];
  private readonly ymcodes: string[] = [];
  private readonly side: string;
  private code = new Int32Array(1024);
  private ts = new Float64Array(1024);
  private c = new Float64Array(1024);
  private ccnt = new Float64Array(1024);
  private oi = new Float64Array(1024);
  length = 0;

  constructor(side: string) {
    this.side = side;
  }

  /** `code` and `ymcode` are shared strings (interned by the caller). */
  push(code: string, ymcode: string, tick: TickRow): void {
    let index = this.codes.length - 1;
    if (this.codes[index] !== code || this.ymcodes[index] !== ymcode) {
      index = this.codes.length;
      this.codes.push(code);
      this.ymcodes.push(ymcode);
    }
    if (this.length === this.ts.length) this.grow();
    const i = this.length++;
    this.code[i] = index;
    this.ts[i] = tick.ts;
    this.c[i] = tick.c;
    this.ccnt[i] = tick.ccnt;
    this.oi[i] = tick.oi;
  }

  /**
   * The ticks in time order, ties in file order (what the bar builder's stable sort gives), one object at
   * a time. The order is a numeric sort of (time offset · 2^b + row) keys, exact below 2^53; past that
   * (a span of years), an index sort.
   */
  *ordered(): Generator<CompactTick> {
    const n = this.length;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (this.ts[i]! < first) first = this.ts[i]!;
      if (this.ts[i]! > last) last = this.ts[i]!;
    }
    const rowFactor = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
    let rows: ArrayLike<number>;
    if (n > 0 && (last - first + 1) * rowFactor < 2 ** 53) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (this.ts[i]! - first) * rowFactor + i;
      keys.sort();
      for (let i = 0; i < n; i++) keys[i] = keys[i]! % rowFactor;
      rows = keys;
    } else {
      rows = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
    }
    for (let k = 0; k < n; k++) yield this.tickAt(rows[k]!);
  }

  private tickAt(i: number): CompactTick {
    const code = this.code[i]!;
    return {
      ymcode: this.ymcodes[code]!,
      side: this.side as BarTick['side'],
      code: this.codes[code]!,
      ts: this.ts[i]!,
      c: this.c[i]!,
      ccnt: this.ccnt[i]!,
      oi: this.oi[i]!,
    };
  }

  /** The ticks in file order. */
  toTicks(): CompactTick[] {
    return Array.from({ length: this.length }, (_, i) => this.tickAt(i));
  }

  private grow(): void {
    this.code = growTypedArray(this.code);
    this.ts = growTypedArray(this.ts);
    this.c = growTypedArray(this.c);
    this.ccnt = growTypedArray(this.ccnt);
    this.oi = growTypedArray(this.oi);
  }
}
