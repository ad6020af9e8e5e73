import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  FEATURE_SPEC,
  featureSpecHash,
  MINUTES_PER_YEAR,
} from '../../../src/core/features/spec.ts';

/*
 * Pinned hashes, derived independently of canonicalJson: FEATURE_SPEC was printed with
 * JSON.stringify(FEATURE_SPEC, null, 2), read back by Python and hashed as
 *   hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode())
 * and again after setting spec['windows']['f_vol_20'] = 30. If the first one fails you changed the spec:
 * bump FEATURE_SPEC.version and re-derive the value the same way; models trained on the old hash no
 * longer match these features.
 */
const PINNED = 'af77476995a049ae8deaf95898f4bf4c34c9c226a5eed6b41c127582baca5275';
const PINNED_VOL_30 = '265024024a4ffa9b86654d994c83ecd8a9731f76d064449691098459af562664';

/** A deep copy with every object's keys inserted in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

describe('featureSpecHash', () => {
  it('is the SHA-256 of the canonical spec, the same as Python’s sorted-key JSON', () => {
    expect(featureSpecHash()).toBe(PINNED);
  });

  it('is stable across runs, processes and key order', () => {
    expect(featureSpecHash()).toBe(featureSpecHash());
    expect(featureSpecHash(reversedKeys(FEATURE_SPEC))).toBe(PINNED);
    const specModule = fileURLToPath(new URL('../../../src/core/features/spec.ts', import.meta.url));
    const fromChild = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { featureSpecHash } from ${JSON.stringify(specModule)}; console.log(featureSpecHash());`,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(fromChild).toBe(PINNED);
  });

  it('changes when a window, a definition or the version changes', () => {
    const changed = structuredClone(FEATURE_SPEC) as unknown as {
      windows: Record<string, number>;
      version: string;
      bars: { emptyMinute: string };
    };
    changed.windows.f_vol_20 = 30;
    expect(featureSpecHash(changed)).toBe(PINNED_VOL_30);
    changed.windows.f_vol_20 = 20;
    expect(featureSpecHash(changed)).toBe(PINNED);
    changed.bars.emptyMinute = 'no bar';
    expect(featureSpecHash(changed)).not.toBe(PINNED);
    expect(featureSpecHash({ ...FEATURE_SPEC, version: '1.0.1' })).not.toBe(PINNED);
  });

  it('takes plain JSON data only, and the spec cannot be changed in place', () => {
    expect(canonicalJson({ b: [1, 'x', null, true], a: { d: 0.5, c: -2 } })).toBe(
      '{"a":{"c":-2,"d":0.5},"b":[1,"x",null,true]}',
    );
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0))).toThrow(TypeError);
    expect(() => {
      (FEATURE_SPEC.windows as { f_vol_20: number }).f_vol_20 = 30;
    }).toThrow(TypeError);
    expect(featureSpecHash()).toBe(PINNED);
  });

  it('annualises with 420 session minutes × 250 days', () => {
    // 08:45 to 15:45 KST is 7 hours.
    expect(MINUTES_PER_YEAR).toBe(7 * 60 * 250);
  });
});
