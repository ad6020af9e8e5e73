import { describe, expect, it } from 'vitest';
import { expiryDate, isTradingDay, sessionOf, tradingDays } from '../../../src/core/market/krx-calendar.ts';
import {
  KrxCodeError,
  decodeKrxCode,
  encodeKrxOptionCode,
  strikeFromDigits,
} from '../../../src/core/market/krx-code.ts';
import {
  KOSPI200_OPTION_MULTIPLIER,
  dimContractRow,
  isOnTickGrid,
  optionTickSize,
  roundToTick,
} from '../../../src/core/market/krx-contract.ts';
import { kstDateOf, kstTimeOf, kstToUtcMs } from '../../../src/core/market/kst.ts';

describe('KRX codes', () => {
  it('decodes B0161530 as a KOSPI200 call, strike 530, January 2026, expiring 2026-01-08', () => {
    const code = decodeKrxCode('B0161530', 2025);
    expect(code).toEqual({
      code: 'B0161530',
      product: 'call',
      side: 'CALL',
      underlying: 'KOSPI200',
      year: 2026,
      month: 1,
      ymcode: '202601',
      strike: 530,
    });
    expect(expiryDate(code.year, code.month)).toBe('2026-01-08');
  });

  it('decodes C0161302 as a put with strike 302.5 (a last digit 2 or 7 adds .5)', () => {
    expect(decodeKrxCode('C0161302', 2025)).toMatchObject({ product: 'put', side: 'PUT', strike: 302.5 });
    expect([
      strikeFromDigits('307'),
      strikeFromDigits('310'),
      strikeFromDigits('312'),
      strikeFromDigits('305'),
    ]).toEqual([307.5, 310, 312.5, 305]);
  });

  it('resolves the 30-character year cycle around the reference year', () => {
    expect(decodeKrxCode('A016C000', 2000).year).toBe(1996); // '6' in the first cycle
    expect(decodeKrxCode('B01WC400', 2025)).toMatchObject({ year: 2025, month: 12, ymcode: '202512' }); // 'W' = 2025
    expect(decodeKrxCode('B016A400', 2025)).toMatchObject({ year: 2026, month: 10 }); // '6' again in 2026
    expect(decodeKrxCode('A0161000', 2026)).toEqual({
      code: 'A0161000',
      product: 'future',
      underlying: 'KOSPI200',
      year: 2026,
      month: 1,
      ymcode: '202601',
    });
  });

  it('round-trips encode and decode for every strike step and month', () => {
    for (const side of ['CALL', 'PUT'] as const) {
      for (let month = 1; month <= 12; month++) {
        for (let strike = 300; strike <= 700; strike += 2.5) {
          const code = encodeKrxOptionCode(side, 2027, month, strike);
          expect(decodeKrxCode(code, 2027)).toMatchObject({ side, year: 2027, month, strike });
        }
      }
    }
  });

  it('refuses malformed codes with a clear error', () => {
    for (const bad of ['', 'B016153', 'D0161530', 'B0261530', 'B01I1530', 'B016D530', 'A0161530']) {
      expect(() => decodeKrxCode(bad, 2026), bad).toThrow(KrxCodeError);
    }
    expect(() => encodeKrxOptionCode('CALL', 2026, 1, 301.25)).toThrow(/2.5 grid/);
  });
});

describe('KRX calendar', () => {
  it('puts expiry on the second Thursday, earlier when that is a holiday', () => {
    expect(expiryDate(2026, 1)).toBe('2026-01-08');
    expect(expiryDate(2025, 12)).toBe('2025-12-11');
    // 2025-10-09 (Hangul Day) and the Chuseok days before it are holidays: expiry moves to Thursday 2 October.
    expect(expiryDate(2025, 10)).toBe('2025-10-02');
    // 2027-05-13 is Buddha's Birthday: expiry moves to Wednesday 12 May.
    expect(expiryDate(2027, 5)).toBe('2027-05-12');
  });

  it('knows weekends and holidays', () => {
    expect(isTradingDay('2025-12-01')).toBe(true);
    expect(isTradingDay('2025-12-06')).toBe(false); // Saturday
    expect(isTradingDay('2026-02-17')).toBe(false); // Seollal
    expect(tradingDays('2025-12-29', '2026-01-05')).toEqual([
      '2025-12-29',
      '2025-12-30',
      '2026-01-02',
      '2026-01-05',
    ]);
  });

  it('gives the regular session, the expiry-day close and the shifted days', () => {
    expect(sessionOf('2025-12-01', '2026-01-08')).toEqual({ open: '084500', close: '154500' });
    expect(sessionOf('2026-01-08', '2026-01-08')).toEqual({ open: '084500', close: '152000' });
    expect(sessionOf('2026-01-02')).toEqual({ open: '100000', close: '154500' }); // first trading day of 2026
    expect(sessionOf('2025-11-13')).toEqual({ open: '100000', close: '164500' }); // CSAT day
  });
});

describe('contract facts', () => {
  it('has the KRW 250,000 multiplier and the 0.01 / 0.05 tick rule', () => {
    expect(KOSPI200_OPTION_MULTIPLIER).toBe(250_000);
    expect([optionTickSize(9.99), optionTickSize(10), optionTickSize(0.5)]).toEqual([0.01, 0.05, 0.01]);
    expect([
      isOnTickGrid(9.99),
      isOnTickGrid(10.05),
      isOnTickGrid(10.07),
      isOnTickGrid(0.015),
      isOnTickGrid(32.65),
    ]).toEqual([true, true, false, false, true]);
    expect([roundToTick(10.07), roundToTick(10.08), roundToTick(0.004), roundToTick(9.996)]).toEqual([
      10.05, 10.1, 0.01, 10,
    ]);
  });

  it('builds dim_contract rows from code-file rows', () => {
    expect(dimContractRow({ ymcode: '202601', code: 'B0161302', lastday: '302' }, '2025-12-19')).toEqual({
      code: 'B0161302',
      product: 'call',
      side: 'CALL',
      underlying: 'KOSPI200',
      ymcode: '202601',
      strike: 302.5,
      lastday: '302',
      expiry: '2026-01-08',
      multiplier: 250_000,
      effectiveFrom: '2025-12-19',
      effectiveTo: '2026-01-08',
    });
  });

  it('converts KST wall-clock times to UTC and back', () => {
    const utc = kstToUtcMs('2025-12-01', '084515');
    expect(new Date(utc).toISOString()).toBe('2025-11-30T23:45:15.000Z');
    expect([kstDateOf(utc), kstTimeOf(utc)]).toEqual(['2025-12-01', '084515']);
  });
});
