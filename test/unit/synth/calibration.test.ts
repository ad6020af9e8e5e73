import { describe, expect, it } from 'vitest';
import {
  CALIBRATION_DATE,
  CALIBRATION_MONTHS_AHEAD,
  CALIBRATION_SEED,
  calibrationMarkdown,
  compareDays,
  syntheticCalibrationDay,
  underlyingFromParity,
} from '../../../src/core/synth/calibration.ts';
import type { CalibrationDay, CalibrationTick } from '../../../src/core/synth/calibration.ts';
import { checkKrxFile } from './krx-format-check.ts';
import { readReal, runInMemory, text } from './in-memory-run.ts';

function ticksOf(name: string, xml: string): CalibrationTick[] {
  const report = checkKrxFile(name, xml);
  expect(report.violations, name).toEqual([]);
  return report.rows.map((row) => ({
    ymcode: row.ymcode!,
    code: row.code!,
    idate: row.idate!,
    itime: row.itime!,
    c: Number(row.c),
    ccnt: Number(row.ccnt),
  }));
}

const calls = ticksOf('202601_20251201_TICK_CALL.xml', readReal('202601_20251201_TICK_CALL.xml'));
const puts = ticksOf('202601_20251201_TICK_PUT.xml', readReal('202601_20251201_TICK_PUT.xml'));
const real: CalibrationDay = {
  label: 'real 2025-12-01',
  calls,
  puts,
  underlyingAt: underlyingFromParity(calls, puts),
};

describe('calibration against the real day', () => {
  it('infers KOSPI200 from put–call parity on the real prices', () => {
    const levels = ['090000', '100000', '120000', '140000', '153000'].map(real.underlyingAt);
    for (const level of levels) {
      expect(level).toBeGreaterThan(545);
      expect(level).toBeLessThan(562);
    }
  });

  it(`the comparison day (seed ${CALIBRATION_SEED}) passes every metric within its tolerance`, () => {
    const report = compareDays(real, syntheticCalibrationDay());
    console.log(calibrationMarkdown(report));
    expect(report.metrics.filter((m) => !m.pass).map((m) => m.name)).toEqual([]);
    expect(report.pass).toBe(true);
    // Every group is measured, and the moneyness comparison covers both sides.
    const groups = new Set(report.metrics.map((m) => m.group));
    expect(groups.size).toBe(5);
    expect(
      report.metrics.filter((m) => m.group === 'premium by moneyness' && m.name.startsWith('CALL')).length,
    ).toBeGreaterThanOrEqual(4);
    expect(
      report.metrics.filter((m) => m.group === 'premium by moneyness' && m.name.startsWith('PUT')).length,
    ).toBeGreaterThanOrEqual(4);
  });

  it('compares the files that are written: the generated XML of that day holds the same ticks', () => {
    const { files } = runInMemory({
      seed: CALIBRATION_SEED,
      start: CALIBRATION_DATE,
      days: 1,
      monthsAhead: CALIBRATION_MONTHS_AHEAD,
    });
    const synthetic = syntheticCalibrationDay();
    expect(
      ticksOf('202601_20251201_TICK_CALL.xml', text(files.get('202601_20251201_TICK_CALL.xml'))),
    ).toEqual(synthetic.calls);
    expect(ticksOf('202601_20251201_TICK_PUT.xml', text(files.get('202601_20251201_TICK_PUT.xml')))).toEqual(
      synthetic.puts,
    );
  });

  it('fails what is off: single-lot-only trades, a shifted session, premiums doubled', () => {
    const synthetic = syntheticCalibrationDay();
    const distorted: CalibrationDay = {
      ...synthetic,
      calls: synthetic.calls.map((t) => ({
        ...t,
        ccnt: 1,
        c: t.c * 2,
        itime: t.itime < '100000' ? '100000' : t.itime,
      })),
    };
    const failed = compareDays(real, distorted)
      .metrics.filter((m) => !m.pass)
      .map((m) => m.name);
    expect(failed).toContain('share of 1 lot');
    expect(failed).toContain('CALL first tick (s after midnight KST)');
    expect(failed.some((name) => /^CALL K\/S/.test(name))).toBe(true);
  });
});
