/**
 * KOSPI200 option contract facts and the `dim_contract` row built from a code file row plus the decoded code.
 */
import { expiryDate } from './krx-calendar.ts';
import type { IsoDate } from './kst.ts';
import { decodeKrxCode } from './krx-code.ts';
import type { OptionSide, Product } from './krx-code.ts';

/** KRW per index point per contract (KOSPI200 options since 2017). */
export const KOSPI200_OPTION_MULTIPLIER = 250_000;

/** Premium tick: 0.01 below 10 points, 0.05 at or above. */
export function optionTickSize(price: number): number {
  return price < 10 ? 0.01 : 0.05;
}

/** Whether a premium lies on the tick grid for its level (checked in integer hundredths). */
export function isOnTickGrid(price: number): boolean {
  const hundredths = Math.round(price * 100);
  if (Math.abs(hundredths - price * 100) > 1e-6) return false;
  return price < 10 ? true : hundredths % 5 === 0;
}

/** Rounds a premium to the nearest valid tick (ties away from zero). */
export function roundToTick(price: number): number {
  const hundredths = Math.round(price * 100);
  if (hundredths < 1000) return Math.max(1, hundredths) / 100;
  return (Math.round(hundredths / 5) * 5) / 100;
}

export interface DimContractRow {
  code: string;
  product: Product;
  side?: OptionSide;
  underlying: string;
  ymcode: string;
  strike?: number;
  /** The code file's `lastday` as received (on the real files it equals the strike's integer part). */
  lastday: string;
  expiry: IsoDate;
  multiplier: number;
  /** The day the code file describes (from its name), when known. */
  effectiveFrom?: IsoDate;
  effectiveTo?: IsoDate;
}

export interface CodeFileRow {
  ymcode: string;
  code: string;
  lastday: string;
}

/** Builds a dim_contract row; the expiry comes from the calendar, since `lastday` is not a date in KRX files. */
export function dimContractRow(row: CodeFileRow, effectiveFrom?: IsoDate): DimContractRow {
  const nearYear = Number(row.ymcode.slice(0, 4)) || undefined;
  const decoded = decodeKrxCode(row.code, nearYear);
  return {
    code: row.code,
    product: decoded.product,
    side: decoded.side,
    underlying: decoded.underlying,
    ymcode: decoded.ymcode,
    strike: decoded.strike,
    lastday: row.lastday,
    expiry: expiryDate(decoded.year, decoded.month),
    multiplier: KOSPI200_OPTION_MULTIPLIER,
    effectiveFrom,
    effectiveTo: effectiveFrom === undefined ? undefined : expiryDate(decoded.year, decoded.month),
  };
}

/** Expiry of a 'YYYYMM' contract month. */
export function expiryOfYmcode(ymcode: string): IsoDate {
  return expiryDate(Number(ymcode.slice(0, 4)), Number(ymcode.slice(4, 6)));
}
