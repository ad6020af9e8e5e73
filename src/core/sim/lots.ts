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
  const lots = Math.floor(quantity / lot + LOT_TOLERANCE);
  return lots > 0 ? lots : 0;
}

/** `lots × lot` as the double nearest that decimal (224 × 0.0001 → 0.0224, not 0.022400000000000002). */
export function lotsToQuantity(lots: number, lot: number): number {
  return lots <= 0 ? 0 : Number((lots * lot).toPrecision(12));
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
  if (Math.abs(quantity / lot - lots) > LOT_TOLERANCE) return quantity;
  return lots === 0 ? 0 : Math.sign(lots) * lotsToQuantity(Math.abs(lots), lot);
}
