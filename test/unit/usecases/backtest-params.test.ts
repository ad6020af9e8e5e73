import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_LIMITS } from '../../../src/core/risk/index.ts';
import { KRX_OPTION_AS_OPTIONS, resolveAsConfig } from '../../../src/core/strategy/index.ts';
import { FEE_TEMPLATE, parseBacktestParams } from '../../../src/usecases/backtest-params.ts';

const templates = {
  strategy: resolveAsConfig(KRX_OPTION_AS_OPTIONS),
  risk: DEFAULT_RISK_LIMITS,
  fees: FEE_TEMPLATE,
};
const parse = (pairs: Record<string, string | number | boolean>) => parseBacktestParams(pairs, templates);

describe('backtest --param parsing', () => {
  it('types values by the setting and nests dotted keys into their group', () => {
    const params = parse({
      gamma: '0.5',
      'volatility.sampleIntervalMs': '1000',
      'volatility.method': 'ewma',
      postOnly: 'false',
      'regimes.presets.high_vol.gamma': '2',
      'risk.maxDailyLoss': 'Infinity',
      'fees.makerBps': '-1.5',
    });
    expect(params).toEqual({
      strategy: {
        gamma: 0.5,
        volatility: { sampleIntervalMs: 1000, method: 'ewma' },
        postOnly: false,
        regimes: { presets: { high_vol: { gamma: 2 } } },
      },
      risk: { maxDailyLoss: Infinity },
      fees: { makerBps: -1.5 },
    });
  });

  it('rejects unknown keys, naming the key and what exists', () => {
    expect(() => parse({ gama: '1' })).toThrow(/unknown parameter "gama": strategy settings are .*gamma/);
    expect(() => parse({ 'risk.maxLoss': '1' })).toThrow(
      /unknown parameter "risk.maxLoss": risk settings are .*maxDailyLoss/,
    );
    expect(() => parse({ 'fees.maker': '1' })).toThrow(
      /fees settings are makerBps, makerPerUnit, takerBps, takerPerUnit/,
    );
    expect(() => parse({ 'regimes.presets.calm.gamma': '1' })).toThrow(
      /regimes.presets has high_vol, low_vol, ranging, trending/,
    );
    expect(() => parse({ 'gamma.x': '1' })).toThrow(/unknown parameter "gamma.x"/);
    expect(() => parse({ 'risk.': '1' })).toThrow(/bad parameter name/);
  });

  it('rejects values of the wrong type and whole groups', () => {
    expect(() => parse({ gamma: 'high' })).toThrow('parameter "gamma" takes a number, got "high"');
    expect(() => parse({ gamma: '' })).toThrow(/takes a number/);
    expect(() => parse({ postOnly: 'yes' })).toThrow('parameter "postOnly" takes true or false, got "yes"');
    expect(() => parse({ volatility: '3' })).toThrow(/is a group: set one of its fields/);
  });

  it('merges a partial regime preset over the default preset', () => {
    const { strategy } = parse({ 'regimes.presets.high_vol.gamma': '2' });
    const config = resolveAsConfig(KRX_OPTION_AS_OPTIONS, strategy);
    expect(config.regimes.presets.high_vol).toEqual({
      ...templates.strategy.regimes.presets.high_vol,
      gamma: 2,
    });
    expect(config.regimes.presets.low_vol).toEqual(templates.strategy.regimes.presets.low_vol);
  });

  it("keeps a study's numbers and booleans as they are, and refuses one of the wrong type", () => {
    const gamma = 0.1 + 0.2;
    const { strategy, risk } = parse({ gamma, postOnly: false, 'risk.maxDailyLoss': Infinity });
    expect(strategy.gamma).toBe(gamma);
    expect(strategy.postOnly).toBe(false);
    expect(risk.maxDailyLoss).toBe(Infinity);
    expect(() => parse({ postOnly: 1 })).toThrow('parameter "postOnly" takes a boolean, got 1');
    expect(() => parse({ gamma: true })).toThrow('parameter "gamma" takes a number, got true');
    expect(() => parse({ gamma: NaN })).toThrow('parameter "gamma" takes a number, got NaN');
  });
});
