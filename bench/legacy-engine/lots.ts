/**
 * Quantities live on the lot grid: an exchange fills whole lots (1 KRX contract; 0.00001 BTC on Binance
 * spot, 0.001 on USD-M). The fill models work in floats (queue ahead minus a trade's size and so on), and
 * float subtraction leaves residue such as 4.0014 − 4.001399999999999 = 8.88e-16 ETH, which without this
 * would be recorded as a fill. So quantities are counted in whole lots, with a tolerance of a millionth of
 * a lot for that residue, and turned back into the double nearest the decimal `lots × lot`.
 */

/** A quantity within this many lots of a grid point is on it (float residue, not a real fraction). */
export const LOT_TOLERANCE = 1e-6;

/** Whole lots in `quantity`, rounded down (residue just under a grid point counts as reaching it). */
export function wholeLots(quantity: number, lot: number): number {
  const exact = quantity / lot;
  const nearest = Math.round(exact);
  const lots = nearToGrid(exact, nearest) ? nearest : Math.floor(exact);
  return lots > 0 ? lots : 0;
}

/** Within the tolerance, or within float precision for counts of lots too large for it (over 10⁶). */
function nearToGrid(exact: number, nearest: number): boolean {
  return Math.abs(exact - nearest) <= Math.max(LOT_TOLERANCE, Math.abs(exact) * 1e-12);
}

/** `lots × lot` as the double nearest that decimal (224 × 0.0001 → 0.0224, not 0.022400000000000002). */
export function lotsToQuantity(lots: number, lot: number): number {
  return lots <= 0 ? 0 : Number((lots * lot).toFixed(decimalsOf(lot)));
}

const decimalsByLot = new Map<number, number>();

/** Decimal places of a lot size (0.00001 → 5, 0.0025 → 4, 1 → 0), at most 15. */
function decimalsOf(lot: number): number {
  let decimals = decimalsByLot.get(lot);
  if (decimals === undefined) {
    decimals = 0;
    while (decimals < 15) {
      const scaled = lot * 10 ** decimals;
      if (Math.abs(scaled - Math.round(scaled)) <= scaled * 1e-9) break;
      decimals++;
    }
    decimalsByLot.set(lot, decimals);
  }
  return decimals;
}

/** `quantity` rounded down to the lot grid. */
export function floorToLot(quantity: number, lot: number): number {
  return lotsToQuantity(wholeLots(quantity, lot), lot);
}

/**
 * `quantity` snapped to the nearest grid point when it is within the tolerance of one (float residue of
 * on-grid arithmetic), else unchanged (an off-grid quantity a strategy chose stays what it chose).
 */
export function snapToLot(quantity: number, lot: number): number {
  const lots = Math.round(quantity / lot);
  if (!nearToGrid(quantity / lot, lots)) return quantity;
  return lots === 0 ? 0 : Math.sign(lots) * lotsToQuantity(Math.abs(lots), lot);
}
