/**
 * InstrumentSpec (the engine's view of an instrument) for the markets quotelab trades: KOSPI200 options
 * on KRX, and Binance spot BTCUSDT.
 */
import type { InstrumentSpec } from '../sim/types.ts';
import { expiryDate, sessionOf } from './krx-calendar.ts';
import { decodeKrxCode } from './krx-code.ts';
import { KOSPI200_OPTION_MULTIPLIER, optionTickSize } from './krx-contract.ts';
import { kstDateOf, kstToUtcMs } from './kst.ts';

/** A KOSPI200 option: KRX tick grid, KRW 250,000 per point, horizon = that day's session close. */
export function krxOptionSpec(code: string, nearYear?: number): InstrumentSpec {
  const decoded = decodeKrxCode(code, nearYear);
  const expiry = expiryDate(decoded.year, decoded.month);
  return {
    name: code,
    multiplier: KOSPI200_OPTION_MULTIPLIER,
    tickSize: optionTickSize,
    lotSize: 1,
    horizonEndMs: (nowMs) => {
      const date = kstDateOf(nowMs);
      return kstToUtcMs(date, sessionOf(date, expiry).close);
    },
  };
}

/** Binance spot BTCUSDT: price tick 0.01 USDT, lot 0.00001 BTC, 24/7 (no horizon). */
export const BTCUSDT_SPEC: InstrumentSpec = {
  name: 'BTCUSDT',
  multiplier: 1,
  tickSize: () => 0.01,
  lotSize: 0.00001,
};
