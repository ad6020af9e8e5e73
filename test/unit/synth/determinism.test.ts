import { describe, expect, it } from 'vitest';
import { SyntheticMarket } from '../../../src/core/synth/generate-day.ts';
import { parseFaultSpec } from '../../../src/core/synth/fault-spec.ts';
import { runInMemory, sha256 } from './in-memory-run.ts';

const faults = parseFaultSpec('duplicates=0.01,reorder=0.005,bad-price=0.002,off-grid=0.002,truncate=1');

function hashes(seed: string): Map<string, string> {
  const { files } = runInMemory({ seed, start: '2025-12-01', days: 3, faults });
  return new Map([...files].map(([name, bytes]) => [name, sha256(bytes)]));
}

describe('reproducibility', () => {
  const first = hashes('alpha');

  it('the same seed gives byte-identical files', () => {
    const second = hashes('alpha');
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, hash] of first) expect(second.get(name), name).toBe(hash);
    expect(first.size).toBe(3 * 5 + 1);
  });

  it('another seed gives other ticks, labels and faults', () => {
    const other = hashes('beta');
    const differing = [...first].filter(([name, hash]) => other.get(name) !== hash).map(([name]) => name);
    const expected = [...first.keys()].filter((name) => /_TICK_|labels_|faults_manifest/.test(name));
    // Code files list the same ladder: both runs start at the same level.
    expect(differing).toEqual(expected);
  });

  it("a day's ticks are the same however often they are iterated", () => {
    const day = new SyntheticMarket({ seed: 'alpha' }).day('2025-12-01');
    const once = JSON.stringify([...day.ticks('PUT')]);
    expect(JSON.stringify([...day.ticks('PUT')])).toBe(once);
    expect(once.length).toBeGreaterThan(1000);
  });

  it('days must come in calendar order and be trading days', () => {
    const market = new SyntheticMarket({ seed: 'alpha' });
    expect(() => market.day('2025-12-06')).toThrow(/not a KRX trading day/);
    market.day('2025-12-02');
    expect(() => market.day('2025-12-01')).toThrow(/in order/);
  });
});
