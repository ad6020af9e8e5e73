/**
 * Orders sent in a rolling time window. A batch sent at time t counts while nowMs − t < windowMs, i.e. the
 * window is (nowMs − windowMs, nowMs]: a batch stops counting exactly windowMs after it was sent. Batches
 * are kept in send order and dropped once they can no longer count, so memory is bounded by the number of
 * batches within one window. Counting never mutates, so a pure explain() can ask too.
 */
export class RollingOrderCount {
  private readonly windowMs: number;
  private readonly sentAt: number[] = [];
  private readonly counts: number[] = [];
  /** Index of the oldest batch still kept (the arrays are compacted now and then, not on every drop). */
  private head = 0;

  constructor(windowMs: number) {
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs ${windowMs} must be > 0`);
    this.windowMs = windowMs;
  }

  record(count: number, nowMs: number): void {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`order count ${count} must be an integer ≥ 0`);
    if (!Number.isFinite(nowMs)) throw new RangeError(`order time ${nowMs} must be finite`);
    if (count === 0) return;
    this.dropBefore(nowMs);
    this.sentAt.push(nowMs);
    this.counts.push(count);
  }

  /** Orders sent in (nowMs − windowMs, nowMs]; batches stamped after nowMs (clock skew) count as well. */
  countAt(nowMs: number): number {
    let total = 0;
    for (let i = this.head; i < this.sentAt.length; i++) {
      if (nowMs - this.sentAt[i]! < this.windowMs) total += this.counts[i]!;
    }
    return total;
  }

  /** When the oldest batch still counting at nowMs stops counting (NaN when none counts). */
  nextExpiryAfter(nowMs: number): number {
    for (let i = this.head; i < this.sentAt.length; i++) {
      if (nowMs - this.sentAt[i]! < this.windowMs) return this.sentAt[i]! + this.windowMs;
    }
    return NaN;
  }

  private dropBefore(nowMs: number): void {
    while (this.head < this.sentAt.length && nowMs - this.sentAt[this.head]! >= this.windowMs) this.head++;
    // Compact once half the arrays are dead, so a long run does not keep every batch ever sent.
    if (this.head > 1024 && this.head * 2 > this.sentAt.length) {
      this.sentAt.splice(0, this.head);
      this.counts.splice(0, this.head);
      this.head = 0;
    }
  }
}
