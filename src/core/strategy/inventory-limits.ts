/**
 * Position limits for the quoter: a side is quoted level by level only while the position would stay
 * within the limit if that level and every level nearer the mid were filled. So a long book at its limit
 * stops bidding but keeps offering (the ask reduces the position), and vice versa.
 *
 * The limit is in quantity (contracts for KRX options), in notional (currency, Seed B's $5,000 for crypto),
 * or both, the tighter one applying; notional converts to quantity at the current mid.
 */

export interface PositionLimits {
  /** Largest |position| in contracts or base units. */
  maxPositionQuantity?: number;
  /** Largest |position| × mid × multiplier, in currency. */
  maxPositionNotional?: number;
}

/** The largest |position| allowed at this mid, in quantity (Infinity when no limit is set). */
export function maxPositionQuantity(limits: PositionLimits, mid: number, multiplier: number): number {
  let max = limits.maxPositionQuantity ?? Infinity;
  if (limits.maxPositionNotional !== undefined)
    max = Math.min(max, limits.maxPositionNotional / (mid * multiplier));
  return max;
}

/**
 * How many of `levels` levels of `orderSize` a side may show: the largest n ≤ levels with
 * side·position + n·orderSize ≤ maxQuantity (side +1 bid, −1 ask).
 */
export function levelsAllowed(
  position: number,
  side: 1 | -1,
  orderSize: number,
  levels: number,
  maxQuantity: number,
): number {
  const room = maxQuantity - side * position;
  if (room === Infinity) return levels;
  // A relative tolerance so a limit of exactly n lots (0.003 BTC as 3 × 0.001) allows n lots.
  const n = Math.floor(room / orderSize + 1e-9);
  return Math.max(0, Math.min(levels, n));
}
