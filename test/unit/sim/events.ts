/**
 * Hand-built event streams for the engine tests.
 */
import { EventColumnsBuilder } from '../../../src/core/market/events.ts';
import type { EventColumns } from '../../../src/core/market/events.ts';

export type HandEvent =
  | { t: number; trade: number; size: number; aggressor?: -1 | 0 | 1; instrument?: string }
  | { t: number; bid: number; bidSize: number; ask: number; askSize: number; instrument?: string }
  | { t: number; depth: 1 | -1; price: number; size: number; snapshot?: boolean; instrument?: string };

export function handEvents(list: readonly HandEvent[], defaultInstrument = 'X'): EventColumns {
  const builder = new EventColumnsBuilder(list.length);
  for (const event of list) {
    const id = builder.instrumentId(event.instrument ?? defaultInstrument);
    if ('trade' in event) builder.trade(event.t, id, event.trade, event.size, event.aggressor ?? 0);
    else if ('bid' in event) builder.bbo(event.t, id, event.bid, event.bidSize, event.ask, event.askSize);
    else builder.depth(event.t, id, event.depth, event.price, event.size, event.snapshot ? 1 : 0);
  }
  return builder.finish();
}

/** A copy of the columns (tests modify it). */
export function copyEvents(events: EventColumns): {
  -readonly [K in keyof EventColumns]: EventColumns[K];
} {
  return {
    length: events.length,
    instruments: [...events.instruments],
    ts: events.ts.slice(),
    kind: events.kind.slice(),
    instrument: events.instrument.slice(),
    price: events.price.slice(),
    size: events.size.slice(),
    price2: events.price2.slice(),
    size2: events.size2.slice(),
    side: events.side.slice(),
    flags: events.flags.slice(),
  };
}

/**
 * A copy in which every event after `t` is rewritten (prices +7.77, sizes ×3, and with `flipSides` the
 * aggressor sides reversed): the look-ahead tests' "another future".
 */
export function rewrittenAfter(
  events: EventColumns,
  t: number,
  options: { flipSides?: boolean } = {},
): EventColumns {
  const future = copyEvents(events);
  for (let i = 0; i < future.length; i++) {
    if (future.ts[i]! <= t) continue;
    future.price[i] = future.price[i]! + 7.77;
    future.price2[i] = future.price2[i]! + 7.77;
    future.size[i] = future.size[i]! * 3;
    if (options.flipSides) future.side[i] = -future.side[i]!;
  }
  return future;
}
