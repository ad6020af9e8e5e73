/**
 * InstrumentSpec (the engine's view of an instrument) for the markets quotelab trades: KOSPI200 options
 * (KRW 250,000 per index point, tick 0.01 below 10 points and 0.05 above, whole contracts, the session
 * close as the horizon) and spot crypto (multiplier 1, a fixed tick and lot).
 */
import type { InstrumentSpec } from '../sim/types.ts';
import { expiryDate, sessionOf } from './krx-calendar.ts';
import { decodeKrxCode } from './krx-code.ts';
import { KOSPI200_OPTION_MULTIPLIER, optionTickSize } from './krx-contract.ts';
import { kstDateOf, kstToUtcMs } from './kst.ts';
import type { IsoDate } from './kst.ts';

export function krxOptionSpec(code: string): InstrumentSpec {
  // The code's year character repeats every 30 years: it is decoded near the first date it trades on.
  let expiry: IsoDate | undefined;
  let decoded = false;
  return {
    name: code,
    multiplier: KOSPI200_OPTION_MULTIPLIER,
    tickSize: optionTickSize,
    lotSize: 1,
    horizonEndMs(nowMs: number): number {
      const date = kstDateOf(nowMs);
      if (!decoded) {
        decoded = true;
        try {
          const { year, month } = decodeKrxCode(code, Number(date.slice(0, 4)));
          expiry = expiryDate(year, month);
        } catch {
          expiry = undefined; // not a KRX code: regular session hours
        }
      }
      return kstToUtcMs(date, sessionOf(date, expiry).close);
    },
  };
}

export function spotSpec(name: string, tickSize: number, lotSize: number): InstrumentSpec {
  return { name, multiplier: 1, tickSize: () => tickSize, lotSize };
}

/** Binance BTCUSDT spot: tick 0.01 USDT, lot 0.00001 BTC, 24/7 (no horizon). */
export const BTCUSDT_SPEC: InstrumentSpec = spotSpec('BTCUSDT', 0.01, 0.00001);
