/**
 * Trading fees in currency. A schedule charges basis points of notional (price × quantity × multiplier)
 * plus an optional amount per unit traded (per contract on KRX), separately for maker fills (our resting
 * quotes) and taker fills (market orders). A negative rate is a rebate: the fee comes out negative.
 */
import { z } from 'zod';
import type { InstrumentSpec } from './instrument.ts';

export interface FeeSchedule {
  makerBps: number;
  takerBps: number;
  /** Currency per unit (contract / base unit) filled; default 0. */
  makerPerUnit?: number;
  takerPerUnit?: number;
}

/** The fields a user may set (`fees.*` parameters): finite numbers, negative for a rebate. */
export const FEE_SCHEDULE_SCHEMA = z
  .strictObject({
    makerBps: z.number(),
    takerBps: z.number(),
    makerPerUnit: z.number(),
    takerPerUnit: z.number(),
  })
  .partial();

/** Binance spot, regular tier without BNB discount: 0.1 % maker and taker. */
export const BINANCE_SPOT_FEES: FeeSchedule = { makerBps: 10, takerBps: 10 };

/**
 * KOSPI200 options: an ASSUMED broker commission of 0.1 % of premium notional for both sides, no rebate and
 * no per-contract charge. Real schedules depend on the broker and on KRX market-maker programmes (which
 * pay rebates): configure yours.
 */
export const KRX_OPTION_FEES: FeeSchedule = { makerBps: 10, takerBps: 10 };

export const NO_FEES: FeeSchedule = { makerBps: 0, takerBps: 0 };

/** The fee of one fill in currency (negative = rebate). */
export function feeOf(schedule: FeeSchedule, maker: boolean, notional: number, quantity: number): number {
  const bps = maker ? schedule.makerBps : schedule.takerBps;
  const perUnit = (maker ? schedule.makerPerUnit : schedule.takerPerUnit) ?? 0;
  return (notional * bps) / 10_000 + quantity * perUnit;
}

export type FeeConfig = FeeSchedule | ((instrument: InstrumentSpec) => FeeSchedule);

export function resolveFees(config: FeeConfig, instrument: InstrumentSpec): FeeSchedule {
  return typeof config === 'function' ? config(instrument) : config;
}
