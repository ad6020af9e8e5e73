import { describe, expect, it } from 'vitest';
import { paramKeys } from '../../../src/core/config/params.ts';
import { FEE_SCHEDULE_SCHEMA } from '../../../src/core/market/fees.ts';
import { RISK_LIMITS_SCHEMA } from '../../../src/core/risk/index.ts';
import {
  AS_OPTIONS_SCHEMA,
  KRX_OPTION_AS_OPTIONS,
  resolveAsConfig,
  SIGNAL_OPTIONS_SCHEMA,
} from '../../../src/core/strategy/index.ts';
import { parseBacktestParams } from '../../../src/usecases/backtest-params.ts';

const schemas = { strategy: AS_OPTIONS_SCHEMA, risk: RISK_LIMITS_SCHEMA, fees: FEE_SCHEDULE_SCHEMA };
const defaults = resolveAsConfig(KRX_OPTION_AS_OPTIONS);
const parse = (pairs: Record<string, string | number | boolean>) => parseBacktestParams(pairs, schemas);

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
      ...defaults.regimes.presets.high_vol,
      gamma: 2,
    });
    expect(config.regimes.presets.low_vol).toEqual(defaults.regimes.presets.low_vol);
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

  it('refuses a choice that is not one, and a value out of its bounds, naming the key as written', () => {
    expect(() => parse({ 'volatility.method': 'ewmaa' })).toThrow(
      'parameter "volatility.method" is one of window, ewma, got "ewmaa"',
    );
    expect(() => parse({ wakeOn: 'tick' })).toThrow(/"wakeOn" is one of event, touch/);
    expect(() => parse({ gamma: '-1' })).toThrow('gamma -1 must be ≥ 0');
    expect(() => parse({ levels: '1.5' })).toThrow(/levels 1.5 must be an integer/);
    expect(() => parse({ 'risk.maxDailyLoss': '-5' })).toThrow(/risk\.maxDailyLoss -5 must be a number ≥ 0/);
    expect(() => parse({ 'regimes.presets.high_vol.kappa': '0' })).toThrow(
      /regimes\.presets\.high_vol\.kappa 0 must be > 0/,
    );
    expect(() => parse({ 'fees.makerBps': 'Infinity' })).toThrow(/fees\.makerBps/);
  });

  it('lists every settable key from the schemas (what a study may search)', () => {
    const keys = paramKeys(AS_OPTIONS_SCHEMA);
    expect(keys).toContain('gamma');
    expect(keys).toContain('volatility.method');
    expect(keys).toContain('regimes.presets.high_vol.spreadMultiplier');
    expect(keys).toContain('regimes.labels.<name>');
    // Every key listed can be set.
    for (const key of keys.filter((k) => !k.includes('<'))) {
      const kind = key.endsWith('method')
        ? 'ewma'
        : key.endsWith('mode')
          ? 'session'
          : key === 'wakeOn'
            ? 'touch'
            : key === 'name'
              ? 'x'
              : /enabled|postOnly|reuse/.test(key)
                ? 'true'
                : '2';
      expect(() => parse({ [key]: kind }), key).not.toThrow();
    }
    expect(paramKeys(SIGNAL_OPTIONS_SCHEMA).sort()).toEqual([
      'allowShort',
      'barCloseDelayMs',
      'maxPosition',
      'name',
      'neutral',
      'threshold',
      'wakeIntervalMs',
    ]);
  });
});
