import { describe, expect, it } from 'vitest';
import { KST_OFFSET_MS } from '../../../src/core/market/kst.ts';
import { measureWindow, objectiveValue } from '../../../src/core/research/objective.ts';

/** A KST wall-clock time as UTC ms. */
const kst = (date: string, hh: number, mm = 0) =>
  Date.parse(`${date}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`) - KST_OFFSET_MS;

describe('objective', () => {
  const series = {
    ts: [
      kst('2025-12-01', 10),
      kst('2025-12-01', 15),
      kst('2025-12-02', 9),
      kst('2025-12-02', 12),
      kst('2025-12-02', 15),
      kst('2025-12-03', 10),
    ],
    equity: [100, 150, 120, 90, 130, 500],
  };

  it('measures a window from the equity just before it: PnL, drawdown inside it, daily PnL', () => {
    const w = measureWindow(series, kst('2025-12-02', 0), kst('2025-12-03', 0));
    // Opening equity 150 (the last point before the window), closing 130.
    expect(w.pnl).toBe(-20);
    // The peak starts at the opening equity: 150 → 90.
    expect(w.maxDrawdown).toBe(60);
    expect(w.dailyPnl).toEqual([-20]);
    const two = measureWindow(series, kst('2025-12-01', 0), kst('2025-12-03', 0));
    expect(two.pnl).toBe(30); // first point opens the window: 100 → 130
    expect(two.dailyPnl).toEqual([50, -20]);
    expect(two.maxDrawdown).toBe(60);
    expect(measureWindow(series, kst('2025-12-05', 0), kst('2025-12-06', 0))).toMatchObject({
      pnl: 0,
      maxDrawdown: 0,
      dailyPnl: [],
    });
  });

  it('turns windows into the optimiser’s number', () => {
    const windows = [
      { fromMs: 0, toMs: 1, pnl: 10, maxDrawdown: 4, dailyPnl: [4, 6] },
      { fromMs: 1, toMs: 2, pnl: -2, maxDrawdown: 7, dailyPnl: [-2] },
    ];
    expect(objectiveValue('pnl', windows)).toBe(8);
    expect(objectiveValue('utility', windows, 0.5)).toBe(8 - 3.5);
    const daily = [4, 6, -2];
    const mean = 8 / 3;
    const sd = Math.sqrt(daily.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    expect(objectiveValue('sharpe', windows)).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(objectiveValue('sharpe', [windows[1]!])).toBe(0);
  });
});
