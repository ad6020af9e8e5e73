import { describe, expect, it } from 'vitest';
import { RingBuffer, sampleStd, windowMax, windowMin } from '../../../src/core/features/rolling.ts';

describe('RingBuffer', () => {
  it('keeps the last `capacity` values, newest at lag 0', () => {
    const ring = new RingBuffer(3);
    expect(ring.full).toBe(false);
    for (const value of [1, 2, 3, 4, 5]) ring.push(value);
    expect(ring.full).toBe(true);
    expect([ring.back(0), ring.back(1), ring.back(2)]).toEqual([5, 4, 3]);
    expect([ring.at(0), ring.at(2)]).toEqual([3, 5]);
    expect(() => ring.back(3)).toThrow(RangeError);
    ring.clear();
    expect(ring.length).toBe(0);
  });

  it('computes the sample (n − 1) standard deviation, max and min of the window', () => {
    const ring = new RingBuffer(4);
    for (const value of [100, 2, 4, 4, 4, 5]) ring.push(value); // the window is 4, 4, 4, 5
    // mean 4.25; squared deviations 3 × 0.0625 + 0.5625 = 0.75; / 3 = 0.25; sqrt = 0.5
    expect(sampleStd(ring)).toBe(0.5);
    expect([windowMax(ring), windowMin(ring)]).toEqual([5, 4]);
    const single = new RingBuffer(2);
    single.push(1);
    expect(() => sampleStd(single)).toThrow(RangeError);
  });
});
