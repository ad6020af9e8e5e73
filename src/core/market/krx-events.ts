/**
 * KRX ticks as the engine's columnar events: one TRADE per tick (KRX tick files carry no aggressor side and
 * no book, so `side` is 0), in time order with each file's order kept for ticks of the same second.
 */
import { EventColumnsBuilder } from './events.ts';
import type { EventColumns } from './events.ts';

/** A KRX trade as the engine replays it: the XML reader's tick rows and silver_ticks rows both give one. */
export interface TradeTick {
  code: string;
  /** UTC ms. */
  ts: number;
  /** Trade price. */
  c: number;
  /** Contracts traded. */
  ccnt: number;
}

export function krxTradeEvents(ticks: readonly TradeTick[]): EventColumns {
  const order = ticks.map((_, i) => i).sort((a, b) => ticks[a]!.ts - ticks[b]!.ts || a - b);
  const builder = new EventColumnsBuilder(ticks.length);
  for (const i of order) {
    const tick = ticks[i]!;
    builder.trade(tick.ts, builder.instrumentId(tick.code), tick.c, tick.ccnt, 0);
  }
  return builder.finish();
}
