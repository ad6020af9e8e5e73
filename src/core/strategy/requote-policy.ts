/**
 * When to move resting quotes. The engine keeps an order whose side and price are unchanged, so it keeps
 * its place in the queue; re-pricing on every wobble of the model would throw that place away. A side's
 * quotes are replaced only when
 *
 * - its level-0 price would move by at least `minTicks` ticks, or
 * - they are `maxAgeMs` old or older, or
 * - the number of levels changes (a position limit stops or resumes a side), or
 * - the kept level-0 price breaks the post-only bound (the market moved through it).
 *
 * Otherwise the previous prices are quoted again, all levels together so the ladder keeps its shape.
 */
import { movedAtLeastTicks } from './tick-grid.ts';
import type { TickGrid } from './tick-grid.ts';

export interface RequoteRule {
  /** Smallest move of the level-0 price, in ticks, that re-prices a side (1: any change on the grid). */
  minTicks: number;
  /** Age at which a side is re-priced regardless, ms. */
  maxAgeMs: number;
}

/** The prices one side currently shows, and since when. */
export class QuotedSide {
  readonly prices: Float64Array;
  count = 0;
  placedMs = -Infinity;

  constructor(maxLevels: number) {
    this.prices = new Float64Array(maxLevels);
  }

  /**
   * Adopts `desired[0..desiredCount)` unless the shown quotes may stay. `bound` is the most aggressive
   * price allowed for level 0 (the bid cap or the ask floor); `side` +1 for bids, −1 for asks.
   * Returns whether the side was re-priced.
   */
  update(
    desired: Float64Array,
    desiredCount: number,
    side: 1 | -1,
    bound: number,
    nowMs: number,
    rule: RequoteRule,
    grid: TickGrid,
  ): boolean {
    if (
      this.count > 0 &&
      this.count === desiredCount &&
      nowMs - this.placedMs < rule.maxAgeMs &&
      side * (bound - this.prices[0]!) >= 0 &&
      !movedAtLeastTicks(this.prices[0]!, desired[0]!, rule.minTicks, grid)
    ) {
      return false;
    }
    for (let i = 0; i < desiredCount; i++) this.prices[i] = desired[i]!;
    this.count = desiredCount;
    this.placedMs = nowMs;
    return true;
  }

  clear(): void {
    this.count = 0;
    this.placedMs = -Infinity;
  }
}
