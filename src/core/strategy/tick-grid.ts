/**
 * Prices on an instrument's tick grid, for quotes: a bid is rounded down and an ask up (away from the
 * mid), so rounding never makes a quote more aggressive than the model asked for.
 *
 * The grid at a price is the set of multiples of `tickSize(price)`, and a price where the tick changes
 * (KRX options: 10.00 points, 0.01 below and 0.05 at or above) is on both grids. That holds for KRX and
 * for constant-tick markets, and is all these helpers assume about `InstrumentSpec.tickSize`.
 *
 * Prices are rebuilt from an integer tick count so that they come out as the shortest decimal (0.57, not
 * 0.5700000000000001): the engine compares prices for equality to keep a resting order's queue place.
 */

/** What these helpers need of an InstrumentSpec (called as a method, so a class-based spec works). */
export interface TickGrid {
  tickSize(price: number): number;
}

/**
 * Tolerance, in ticks, for a price that is on the grid up to floating-point noise (0.03 − 0.01 is
 * 0.019999999999999997, which is 2 ticks of 0.01, not 1).
 */
const GRID_EPSILON = 1e-6;

/** n ticks of size `tick` as a clean number: n / 100 for a 0.01 tick rather than n × 0.01. */
export function ticksToPrice(n: number, tick: number): number {
  if (tick < 1) {
    const perUnit = Math.round(1 / tick);
    if (Math.abs(perUnit * tick - 1) < 1e-9) return n / perUnit;
  }
  return n * tick;
}

/** The highest grid price at or below `price` (bids). */
export function roundDownToTick(price: number, grid: TickGrid): number {
  const tick = grid.tickSize(price);
  return ticksToPrice(Math.floor(price / tick + GRID_EPSILON), tick);
}

/** The lowest grid price at or above `price` (asks). */
export function roundUpToTick(price: number, grid: TickGrid): number {
  const tick = grid.tickSize(price);
  return ticksToPrice(Math.ceil(price / tick - GRID_EPSILON), tick);
}

/** The tick in force just below `price` (at KRX 10.00 that is 0.01, while `tickSize(10)` is 0.05). */
export function tickBelow(price: number, grid: TickGrid): number {
  return grid.tickSize(price - grid.tickSize(price) / 2);
}

/** The next grid price strictly below the grid price `price`. */
export function stepDown(price: number, grid: TickGrid): number {
  return roundDownToTick(price - tickBelow(price, grid) / 2, grid);
}

/** The next grid price strictly above the grid price `price`. */
export function stepUp(price: number, grid: TickGrid): number {
  return roundUpToTick(price + grid.tickSize(price) / 2, grid);
}

/** The smallest positive price on the grid: one tick above zero (0.01 for KRX options). */
export function minimumPrice(grid: TickGrid): number {
  return roundUpToTick(grid.tickSize(0), grid);
}

/** Whether two grid prices differ by at least `ticks` ticks (measured with the tick at the lower one). */
export function movedAtLeastTicks(from: number, to: number, ticks: number, grid: TickGrid): boolean {
  const tick = grid.tickSize(Math.min(from, to));
  return Math.abs(to - from) >= ticks * tick * (1 - GRID_EPSILON);
}
