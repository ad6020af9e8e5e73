/**
 * What the engine, strategies and reports know about an instrument, whatever the venue: the facts a
 * venue table (instrument-specs.ts) fills in. Side +1 = buy/bid, −1 = sell/ask.
 */

export type Side = 1 | -1;

/** What the engine needs to know about an instrument. */
export interface InstrumentSpec {
  name: string;
  /** Currency units per (price unit × quantity unit): 250,000 for KOSPI200 options, 1 for spot crypto. */
  multiplier: number;
  /** Price increment valid at a price (KRX: 0.01 below 10, 0.05 at or above). */
  tickSize(price: number): number;
  /** Smallest quantity step (1 contract; 0.00001 BTC). */
  lotSize: number;
  /** Expiry or session end, when the strategy's horizon ends (undefined for 24/7 markets). */
  horizonEndMs?(nowMs: number): number | undefined;
}
