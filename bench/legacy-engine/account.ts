/**
 * The account of one instrument, average-cost method: a fill that adds to the position moves the average
 * entry price; a fill that reduces it realises (price − average) × closed quantity × multiplier (sign by
 * direction) and leaves the average unchanged; a fill that flips the position closes the old one and opens
 * the rest at the fill price. Realised PnL is gross of fees; fees are kept apart and taken out of cash, so
 *   equity = initial cash + realised + unrealised − fees.
 * It is also the AccountView the strategy sees (reused between calls).
 */
import { snapToLot } from './lots.ts';
import type { AccountView, OpenOrder, Side } from '../../src/core/trading/types.ts';

export class Account implements AccountView {
  position = 0;
  cash: number;
  equity: number;
  realizedPnl = 0;
  feesPaid = 0;
  /** Average entry price of the open position (0 when flat). */
  averagePrice = 0;
  openOrders: OpenOrder[] = [];
  private readonly multiplier: number;
  private readonly lotSize: number;
  /** Positions smaller than this are rounding residue of fractional lots and count as flat. */
  private readonly flatBelow: number;

  constructor(initialCash: number, multiplier: number, lotSize: number) {
    this.cash = initialCash;
    this.equity = initialCash;
    this.multiplier = multiplier;
    this.lotSize = lotSize;
    this.flatBelow = lotSize * 1e-6;
  }

  /** Books a fill and returns the PnL it realised (0 when it only opened or added). */
  apply(side: Side, price: number, quantity: number, fee: number): number {
    const m = this.multiplier;
    this.cash -= side * price * quantity * m + fee;
    this.feesPaid += fee;
    const position = this.position;
    let realized = 0;
    if (position === 0 || position > 0 === (side === 1)) {
      const size = Math.abs(position);
      this.averagePrice = (this.averagePrice * size + price * quantity) / (size + quantity);
      // Sums of on-grid fills stay on the grid (0.001 + 0.002 would otherwise be 0.0030000000000000005).
      this.position = snapToLot(position + side * quantity, this.lotSize);
    } else {
      const size = Math.abs(position);
      const closed = quantity < size ? quantity : size;
      realized = (price - this.averagePrice) * closed * (position > 0 ? 1 : -1) * m;
      this.realizedPnl += realized;
      let next = snapToLot(position + side * quantity, this.lotSize);
      if (Math.abs(next) < this.flatBelow) next = 0;
      this.position = next;
      if (next === 0) this.averagePrice = 0;
      else if (quantity > size) this.averagePrice = price;
    }
    return realized;
  }

  /** Equity marked at `mark` (the average entry price when the mark is unknown: no unrealised PnL). */
  markTo(mark: number): number {
    const price = mark === mark ? mark : this.averagePrice;
    this.equity = this.cash + this.position * price * this.multiplier;
    return this.equity;
  }

  unrealizedAt(mark: number): number {
    if (this.position === 0 || mark !== mark) return 0;
    return (mark - this.averagePrice) * this.position * this.multiplier;
  }
}
