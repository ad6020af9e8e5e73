import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatMoney,
  formatPercent,
  formatPrice,
  formatRatio,
  KRW,
  tickDecimals,
  USDT,
} from '../../../src/core/report/format.ts';
import { optionTickSize } from '../../../src/core/market/krx-contract.ts';

describe('one formatter per kind of figure', () => {
  it('money: KRW in whole won with separators (no .00), USDT in cents, the unit on request', () => {
    expect(formatMoney(100_000_000, KRW)).toBe('100,000,000');
    expect(formatMoney(-1_234_567.4, KRW, { unit: true })).toBe('−1,234,567 KRW');
    expect(formatMoney(-0.4, KRW)).toBe('0');
    expect(formatMoney(10_012.346, USDT, { unit: true })).toBe('10,012.35 USDT');
    expect(formatMoney(0.00971, USDT, { decimals: USDT.feeDecimals })).toBe('0.0097');
    expect(formatMoney(Number.NaN, KRW, { unit: true })).toBe('–');
  });

  it('prices: the decimals of their instrument tick (KRX options 0.01 below 10, 0.05 above)', () => {
    expect(formatPrice(3.4, optionTickSize)).toBe('3.40');
    expect(formatPrice(12.35, optionTickSize)).toBe('12.35');
    expect(formatPrice(97_123.4, 0.01)).toBe('97,123.40');
    expect(formatPrice(1.5, 0.5)).toBe('1.5');
    expect(formatPrice(2_000, 1)).toBe('2,000');
    expect([0.01, 0.05, 0.5, 1, 0.00001, 0.25, 1000].map(tickDecimals)).toEqual([2, 2, 1, 0, 5, 2, 0]);
  });

  it('percentages, counts and ratios', () => {
    expect(formatPercent(0.0512)).toBe('5.12 %');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatRatio(-1.23456)).toBe('−1.23');
  });
});
