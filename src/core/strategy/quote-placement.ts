/**
 * From the model's reservation price and spread to prices an exchange accepts: at least one tick per
 * side, on the tick grid (bid down, ask up), never through the other side of the market (post-only),
 * and never at zero or below (a KRX option premium of 0.03 still gets a 0.02 bid and a 0.04 ask; at 0.01
 * there is no positive bid a tick below, so no bid is quoted).
 */
import { minimumPrice, roundDownToTick, roundUpToTick, stepDown, stepUp, tickBelow } from './tick-grid.ts';
import type { TickGrid } from './tick-grid.ts';

/** What the post-only guard looks at: the best bid/ask, or the mid (last trade) when there is no book. */
export interface MarketTouch {
  bid: number;
  ask: number;
  mid: number;
}

/** Level-0 prices and the post-only bounds they were held to. */
export interface PlacedQuotes {
  /** NaN when no positive bid is possible. */
  bid: number;
  ask: number;
  /** The most aggressive bid allowed (Infinity without the post-only guard). */
  bidCap: number;
  /** The most aggressive ask allowed (at least the smallest positive price). */
  askFloor: number;
}

/**
 * The level-0 bid and ask for a reservation price and a total spread (both in price units), written into
 * `out` with the bounds applied. A side that cannot be quoted at a positive price is NaN.
 *
 * 1. Each side sits at least one tick from the reservation price (the tick in force on that side, so at
 *    KRX 10.00 the bid may be 9.99 while the ask must be 10.05).
 * 2. Rounded to the grid away from the reservation price: bid down, ask up.
 * 3. Post-only (when `postOnly`): a bid at most one tick below the best ask and an ask at least one tick
 *    above the best bid, so a skewed quote improves the touch instead of crossing it. With no book
 *    (trade-only KRX data) the mid, i.e. the last trade, stands in for both sides.
 * 4. A bid below the smallest positive price is dropped; an ask is raised to it.
 */
export function placeQuotes(
  reservation: number,
  spread: number,
  touch: MarketTouch,
  grid: TickGrid,
  postOnly: boolean,
  out: PlacedQuotes,
): PlacedQuotes {
  const half = spread / 2;
  const floor = minimumPrice(grid);
  let bidCap = Infinity;
  let askFloor = floor;
  if (postOnly) {
    const refAsk = Number.isFinite(touch.ask) ? touch.ask : touch.mid;
    const refBid = Number.isFinite(touch.bid) ? touch.bid : touch.mid;
    if (Number.isFinite(refAsk)) bidCap = stepDown(roundUpToTick(refAsk, grid), grid);
    if (Number.isFinite(refBid)) askFloor = Math.max(floor, stepUp(roundDownToTick(refBid, grid), grid));
  }
  const bid = roundDownToTick(reservation - Math.max(half, tickBelow(reservation, grid)), grid);
  const ask = roundUpToTick(reservation + Math.max(half, grid.tickSize(reservation)), grid);
  out.bidCap = bidCap;
  out.askFloor = askFloor;
  const cappedBid = Math.min(bid, bidCap);
  out.bid = cappedBid >= floor ? cappedBid : NaN;
  out.ask = Math.max(ask, askFloor);
  return out;
}

/**
 * Fills `out[0..count)` with a side's ladder: level 0 at `first`, each further level `spacingTicks`
 * grid steps further from the mid (bids down, asks up). Bids that would fall below the smallest positive
 * price are left off; returns the number of levels written.
 */
export function ladder(
  first: number,
  side: 1 | -1,
  count: number,
  spacingTicks: number,
  grid: TickGrid,
  out: Float64Array,
): number {
  if (!Number.isFinite(first) || count <= 0) return 0;
  const floor = minimumPrice(grid);
  let price = first;
  for (let level = 0; level < count; level++) {
    if (level > 0) {
      for (let step = 0; step < spacingTicks; step++) {
        price = side === 1 ? stepDown(price, grid) : stepUp(price, grid);
      }
    }
    if (price < floor) return level;
    out[level] = price;
  }
  return count;
}
