/**
 * A binary min-heap of items keyed by time, FIFO among equal times (a sequence number breaks ties), for
 * the engine's pending actions and timers. Keys live in plain number arrays beside the items so the
 * comparisons never touch the items.
 */
export class TimeQueue<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest item; Infinity when empty. */
  peekTime(): number {
    return this.items.length > 0 ? this.times[0]! : Infinity;
  }

  push(time: number, item: T): void {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const seq = this.seq++;
    let i = items.length;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Removes and returns the earliest item (undefined when empty). */
  pop(): T | undefined {
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const n = items.length;
    if (n === 0) return undefined;
    const top = items[0]!;
    const lastTime = times.pop()!;
    const lastSeq = seqs.pop()!;
    const lastItem = items.pop()!;
    const size = n - 1;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (
        right < size &&
        (times[right]! < times[child]! || (times[right] === times[child] && seqs[right]! < seqs[child]!))
      )
        child = right;
      const ct = times[child]!;
      if (lastTime < ct || (lastTime === ct && lastSeq < seqs[child]!)) break;
      times[i] = ct;
      seqs[i] = seqs[child]!;
      items[i] = items[child]!;
      i = child;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    items[i] = lastItem;
    return top;
  }
}
