import { describe, expect, it } from 'vitest';
import {
  internalValue,
  roundHalfEven,
  snapToStep,
  toDomain,
  validateSearchSpace,
} from '../../../src/core/tune/index.ts';
import type { NumericDomain } from '../../../src/core/tune/index.ts';
import { EVERY_KIND } from './fixtures.ts';

describe('validateSearchSpace', () => {
  it('accepts every kind of parameter and returns the same specs', () => {
    const space = validateSearchSpace(JSON.parse(JSON.stringify(EVERY_KIND)));
    expect(space).toEqual(EVERY_KIND);
    expect(Object.isFrozen(space)).toBe(true);
  });

  it.each([
    [{ lr: { type: 'float', low: 1, high: 0 } }, /parameter "lr": low \(1\) must be ≤ high \(0\)/],
    [{ lr: { type: 'float', low: 0, high: 1, log: true } }, /parameter "lr": log scale needs low > 0/],
    [
      { lr: { type: 'float', low: 1e-3, high: 1, log: true, step: 0.1 } },
      /parameter "lr": a float cannot have both log and step/,
    ],
    [{ lr: { type: 'float', low: 0, high: 1, step: 0 } }, /parameter "lr": step must be a finite number > 0/],
    [{ lr: { type: 'float', low: 0, high: Infinity } }, /parameter "lr": high must be a finite number/],
    [{ lr: { type: 'float', lo: 0, high: 1 } }, /parameter "lr": unknown field "lo"/],
    [{ n: { type: 'int', low: 0.5, high: 3 } }, /parameter "n": int bounds must be integers/],
    [{ n: { type: 'int', low: 0, high: 9, step: 1.5 } }, /parameter "n": int step must be an integer/],
    [
      { n: { type: 'int', low: 1, high: 64, log: true, step: 2 } },
      /parameter "n": log scale allows only step 1/,
    ],
    [
      { n: { type: 'integer', low: 1, high: 3 } },
      /parameter "n": type must be "float", "int" or "categorical"/,
    ],
    [{ c: { type: 'categorical', choices: [] } }, /parameter "c": choices must be a non-empty array/],
    [{ c: { type: 'categorical', choices: ['a', 'a'] } }, /parameter "c": choices contain duplicates/],
    [{ c: { type: 'categorical', choices: ['a', null] } }, /parameter "c": choice null is not/],
    [{ c: 'sgd' }, /parameter "c": spec must be an object/],
  ])('rejects %j', (space, message) => {
    expect(() => validateSearchSpace(space)).toThrow(message);
  });

  it('rejects a space that is not an object', () => {
    expect(() => validateSearchSpace([])).toThrow(/search space must be an object/);
    expect(() => validateSearchSpace(null)).toThrow(/search space must be an object/);
  });
});

describe('domains', () => {
  it('gives ints step 1 and pulls a stepped high down onto the grid', () => {
    expect(toDomain({ type: 'int', low: 0, high: 5 })).toMatchObject({ int: true, step: 1, high: 5 });
    expect(toDomain({ type: 'int', low: 0, high: 10, step: 3 })).toMatchObject({ high: 9 });
    expect(toDomain({ type: 'float', low: 0, high: 1.05, step: 0.1 })).toMatchObject({ high: 1 });
    // 0.3 / 0.1 is 2.9999999999999996 in binary: still three steps, high stays.
    expect(toDomain({ type: 'float', low: 0, high: 0.3, step: 0.1 })).toMatchObject({ high: 0.3 });
    expect(toDomain({ type: 'float', low: 0, high: 1 })).toMatchObject({ step: undefined, high: 1 });
  });

  it('snaps to the step grid from low, rounding halves to even and cleaning binary noise', () => {
    const tenths = toDomain({ type: 'float', low: 0, high: 1, step: 0.1 }) as NumericDomain;
    expect(snapToStep(tenths, 0.29)).toBe(0.3);
    expect(snapToStep(tenths, 0.1 + 0.2)).toBe(0.3);
    expect(snapToStep(tenths, 1.04)).toBe(1);
    expect(snapToStep(tenths, -0.3)).toBe(0);
    const ints = toDomain({ type: 'int', low: 1, high: 20, step: 3 }) as NumericDomain;
    // Grid 1, 4, 7, …, 19: 5.5 is half way between 4 (k = 1) and 7 (k = 2): even k wins.
    expect(snapToStep(ints, 5.5)).toBe(7);
    expect(snapToStep(ints, 2.5)).toBe(1);
    expect(snapToStep(ints, 25)).toBe(19);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2]);
  });

  it('maps values to the internal representation, or to undefined when they left the domain', () => {
    const c = toDomain({ type: 'categorical', choices: ['a', 2, true] });
    expect(internalValue(c, true)).toBe(2);
    expect(internalValue(c, 'b')).toBeUndefined();
    const i = toDomain({ type: 'int', low: 0, high: 5 });
    expect(internalValue(i, 3)).toBe(3);
    expect(internalValue(i, 3.5)).toBeUndefined();
    expect(internalValue(i, 6)).toBeUndefined();
    expect(internalValue(i, '3')).toBeUndefined();
    expect(internalValue(i, undefined)).toBeUndefined();
  });
});
