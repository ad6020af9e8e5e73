import { describe, expect, it } from 'vitest';
import type { LimitRiskGate } from '../../../src/core/risk/index.ts';
import { binanceInstrument } from '../../../src/core/market/instrument-specs.ts';
import { backtestConfig } from '../../../src/usecases/backtest-setup.ts';

function limitsOf(market: 'krx' | 'binance', params: Record<string, string>) {
  const instrument = market === 'binance' ? binanceInstrument('spot', 'BTCUSDT') : undefined;
  const { config, capital } = backtestConfig(market, {
    strategy: 'as',
    params,
    instrument,
    referencePrice: 60_000,
  });
  return { limits: (config.riskGate as LimitRiskGate).limits, capital, initialCash: config.initialCash };
}

describe('risk limits scale with capital', () => {
  it('KRX: 50 % position notional, 5 % daily loss, 10 % drawdown of the capital (default 100,000,000 KRW)', () => {
    expect(limitsOf('krx', {})).toMatchObject({
      capital: 100_000_000,
      limits: { maxPositionNotional: 50_000_000, maxDailyLoss: 5_000_000, maxDrawdownAmount: 10_000_000 },
    });
    expect(limitsOf('krx', { 'risk.capital': '300000000' })).toMatchObject({
      capital: 300_000_000,
      limits: { maxPositionNotional: 150_000_000, maxDailyLoss: 15_000_000, maxDrawdownAmount: 30_000_000 },
    });
    // A limit given explicitly still wins over its scaled default.
    expect(
      limitsOf('krx', { 'risk.capital': '300000000', 'risk.maxDailyLoss': '1000' }).limits.maxDailyLoss,
    ).toBe(1000);
  });

  it("crypto: Seed B's 5,000 / 50 / 5 % at 10,000 USDT, scaled with the account's starting cash", () => {
    expect(limitsOf('binance', {})).toMatchObject({
      capital: 10_000,
      initialCash: 10_000,
      limits: { maxPositionNotional: 5_000, maxDailyLoss: 50, maxDrawdownFraction: 0.05 },
    });
    expect(limitsOf('binance', { 'risk.capital': '40000' })).toMatchObject({
      initialCash: 40_000,
      limits: { maxPositionNotional: 20_000, maxDailyLoss: 200, maxDrawdownFraction: 0.05 },
    });
  });

  it('refuses a capital that is not a positive amount', () => {
    expect(() => limitsOf('krx', { 'risk.capital': '0' })).toThrow(
      /risk\.capital 0 must be a finite amount > 0/,
    );
  });
});
