/**
 * Which contract the synthetic market trades on a day, its strike ladder, and time to expiry.
 */
import { expiryDate, tradingDays } from '../market/krx-calendar.ts';
import type { Session } from '../market/krx-calendar.ts';
import { encodeKrxOptionCode } from '../market/krx-code.ts';
import type { OptionSide } from '../market/krx-code.ts';
import { addDays } from '../market/kst.ts';
import type { IsoDate } from '../market/kst.ts';

export interface ContractMonth {
  year: number;
  month: number;
  /** 'YYYYMM' as in the XML. */
  ymcode: string;
  expiry: IsoDate;
}

/**
 * The contract traded on `date`: the front month (the first expiry on or after the day, so the next
 * month from the day after an expiry), or `monthsAhead` months further out. The real sample of
 * 2025-12-01 holds the January 2026 month, which is one month ahead of the front month (December 2025
 * expired on 2025-12-11).
 */
export function contractMonth(date: IsoDate, monthsAhead = 0): ContractMonth {
  let year = Number(date.slice(0, 4));
  let month = Number(date.slice(5, 7));
  if (date > expiryDate(year, month)) month += 1;
  month += monthsAhead;
  year += Math.floor((month - 1) / 12);
  month = ((month - 1) % 12) + 1;
  return { year, month, ymcode: `${year}${String(month).padStart(2, '0')}`, expiry: expiryDate(year, month) };
}

/**
 * The real January 2026 code files list 153 strikes per side, 2.5 apart, from 300 to 680, while the
 * index stood near 553: the money sits at rung 101, with two thirds of the ladder below it (strikes get
 * added as the index moves and old ones stay listed). A generated month copies that shape around the
 * level on its first generated day, starting at a multiple of 5 as KRX's ladders do.
 */
export const LADDER_SIZE = 153;
export const LADDER_STEP = 2.5;
export const LADDER_MONEY_RUNG = 101;

export function strikeLadder(referenceLevel: number): number[] {
  const lowest = Math.floor((referenceLevel - LADDER_MONEY_RUNG * LADDER_STEP) / 5) * 5;
  if (lowest < 5 || lowest + (LADDER_SIZE - 1) * LADDER_STEP > 999.5) {
    throw new RangeError(
      `a KOSPI200 level of ${referenceLevel.toFixed(2)} gives strikes that do not fit KRX codes`,
    );
  }
  return Array.from({ length: LADDER_SIZE }, (_, i) => lowest + i * LADDER_STEP);
}

export function optionCode(side: OptionSide, contract: ContractMonth, strike: number): string {
  return encodeKrxOptionCode(side, contract.year, contract.month, strike);
}

/**
 * Years of trading time to expiry: the sessions still to come up to and including the expiry day, plus
 * the part of today's session still ahead, over 252 sessions a year. Zero at the expiry day's close.
 */
export function yearsToExpiry(date: IsoDate, secondOfDay: number, session: Session, expiry: IsoDate): number {
  const open = secondsOf(session.open);
  const close = secondsOf(session.close);
  const sessionsAfterToday = date >= expiry ? 0 : tradingDays(addDays(date, 1), expiry).length;
  const todayLeft = Math.min(1, Math.max(0, (close - secondOfDay) / (close - open)));
  return (sessionsAfterToday + todayLeft) / 252;
}

/** 'hhmmss' → seconds since midnight. */
export function secondsOf(hhmmss: string): number {
  return Number(hhmmss.slice(0, 2)) * 3600 + Number(hhmmss.slice(2, 4)) * 60 + Number(hhmmss.slice(4, 6));
}

/** Seconds since midnight → 'hhmmss'. */
export function hhmmssOf(second: number): string {
  const h = Math.floor(second / 3600);
  const m = Math.floor((second % 3600) / 60);
  const s = second % 60;
  return `${h < 10 ? '0' : ''}${h}${m < 10 ? '0' : ''}${m}${s < 10 ? '0' : ''}${s}`;
}
