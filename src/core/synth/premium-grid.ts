/**
 * Premiums as integer hundredths of a point on the KRX grid (0.01 below 10 points, 0.05 from 10 up), so
 * rounding is exact and formatting never shows binary noise. `krx-contract.ts` holds the same rule for
 * prices given in points.
 */

/** Grid step at a premium, in hundredths. */
export function tickStep(hundredths: number): number {
  return hundredths < 1000 ? 1 : 5;
}

/** The highest grid price at or below `points` (at least 0.01). */
export function floorToGrid(points: number): number {
  let h = Math.floor(points * 100 + 1e-7);
  if (h >= 1000) h -= h % 5;
  return Math.max(1, h);
}

/** The lowest grid price at or above `points` (at least 0.01). */
export function ceilToGrid(points: number): number {
  let h = Math.ceil(points * 100 - 1e-7);
  if (h > 1000 && h % 5 !== 0) h += 5 - (h % 5);
  return Math.max(1, h);
}

/** One grid step up (+1) or down (-1), never below 0.01. */
export function stepOnGrid(hundredths: number, direction: 1 | -1): number {
  if (direction > 0) return hundredths + tickStep(hundredths);
  return Math.max(1, hundredths - (hundredths - 1 < 1000 ? 1 : 5));
}

/** KRX's number format: no trailing zeros, no trailing dot (2900 → "29", 2950 → "29.5", 47 → "0.47"). */
export function formatHundredths(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const cents = hundredths % 100;
  if (cents === 0) return String(whole);
  if (cents % 10 === 0) return `${whole}.${cents / 10}`;
  return `${whole}.${cents < 10 ? '0' : ''}${cents}`;
}
