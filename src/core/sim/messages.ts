/**
 * Messages on the wire between us and the simulated exchange, both ways. Requests (a new order, a cancel,
 * a market order) reach the exchange after the order latency; responses (the order accepted or rejected,
 * cancelled, or filled) reach our side — the account the strategy sees and the risk gate — after the
 * response latency. Each direction is FIFO per instrument.
 */
import type { InstrumentRuntime } from './instrument-runtime.ts';
import type { SimOrder } from './orders.ts';
import type { Fill } from '../trading/types.ts';

export const MSG_PLACE = 0;
export const MSG_CANCEL = 1;
export const MSG_MARKET = 2;
/** Responses have kinds from here on. */
export const MSG_FIRST_RESPONSE = 3;
export const MSG_ACCEPTED = 3;
export const MSG_REJECTED = 4;
export const MSG_CANCELLED = 5;
export const MSG_FILLED = 6;

export class WireMessage {
  readonly kind: number;
  readonly runtime: InstrumentRuntime;
  /** The order a request or response is about (undefined for a market order and its fill). */
  readonly order: SimOrder | undefined;
  /** Signed quantity of a market order; remaining quantity of the order after a fill. */
  readonly quantity: number;
  /** A fill's record (MSG_FILLED). */
  readonly fill: Fill | undefined;

  constructor(
    kind: number,
    runtime: InstrumentRuntime,
    order: SimOrder | undefined,
    quantity: number,
    fill?: Fill,
  ) {
    this.kind = kind;
    this.runtime = runtime;
    this.order = order;
    this.quantity = quantity;
    this.fill = fill;
  }
}
