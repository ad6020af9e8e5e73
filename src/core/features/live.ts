/**
 * The live path in one object: ticks and clock ticks in, closed bars with their features out. It is only
 * the composition of `MinuteBarBuilder` and `FeatureEngine`, the same two objects the batch runs, so a
 * replay of a day through it reproduces the offline tables exactly.
 */
import { MinuteBarBuilder } from './bars.ts';
import type { BarTick, MinuteBar, RejectedTicks } from './bars.ts';
import { FeatureEngine } from './features.ts';
import type { FeatureRow } from './features.ts';

export interface ClosedBar {
  bar: MinuteBar;
  features: FeatureRow;
}

export class MinuteFeatureStream {
  private readonly bars = new MinuteBarBuilder();
  private readonly engine = new FeatureEngine();

  get rejected(): Readonly<RejectedTicks> {
    return this.bars.rejected;
  }

  /** A tick from the feed; returns the bars of its code that it closed (usually none in live). */
  pushTick(tick: BarTick): ClosedBar[] {
    return this.withFeatures(this.bars.push(tick));
  }

  /** The minute timer: closes every minute that ended at or before `nowTs`, in clock order. */
  closeThrough(nowTs: number): ClosedBar[] {
    return this.withFeatures(this.bars.closeThrough(nowTs));
  }

  /** End of the feed: every code's day runs out to its session close. */
  finish(): ClosedBar[] {
    return this.withFeatures(this.bars.finish());
  }

  private withFeatures(bars: MinuteBar[]): ClosedBar[] {
    return bars.map((bar) => ({ bar, features: this.engine.update(bar) }));
  }
}
