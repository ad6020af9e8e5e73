/**
 * Per-code sequence checks on accepted ticks, using KRX's `tcnt`: a counter that goes down by one per
 * tick of a code and wraps from 0 to 898. It tells apart, in bounded memory:
 *   - an exact duplicate (same code, tcnt, time and values) → quarantined;
 *   - a conflicting tick (same code, tcnt and time, other values) → quarantined;
 *   - a reordered tick (earlier time AND an earlier place in the count) → accepted, counted;
 *   - a time reversal (the count says "next" but the time goes back) → quarantined: its time is wrong;
 *   - gaps (counts skipped between consecutive ticks) → counted.
 */
import type { QuarantineReason, TickRow } from './krx-rows.ts';

export const TCNT_MODULUS = 899;

interface CodeState {
  /** Seconds-of-day and fingerprint of the tick last seen in each tcnt slot (-1 = none). */
  slotSecond: Int32Array;
  slotPrint: Int32Array;
  lastSecond: number;
  lastTcnt: number;
}

export type SequenceVerdict =
  { ok: true; reordered: boolean } | { ok: false; reason: QuarantineReason; detail: string };

export class TickSequence {
  private readonly codes = new Map<string, CodeState>();
  /** Counts skipped between consecutive in-order ticks, minus holes later filled by reordered ticks. */
  private skipped = 0;
  private filled = 0;

  get gaps(): number {
    return Math.max(0, this.skipped - this.filled);
  }

  check(row: TickRow): SequenceVerdict {
    let state = this.codes.get(row.code);
    if (!state) {
      state = {
        slotSecond: new Int32Array(TCNT_MODULUS).fill(-1),
        slotPrint: new Int32Array(TCNT_MODULUS),
        lastSecond: -1,
        lastTcnt: -1,
      };
      this.codes.set(row.code, state);
    }
    const second = secondOfDay(row.itime) + dayNumber(row.idate) * 86_400;
    const print = fingerprint(row);
    if (state.slotSecond[row.tcnt] === second) {
      return state.slotPrint[row.tcnt] === print
        ? {
            ok: false,
            reason: 'duplicate_tick',
            detail: `a repeat of ${row.code} tick #${row.tcnt} at ${row.itime}`,
          }
        : {
            ok: false,
            reason: 'conflicting_tick',
            detail: `${row.code} tick #${row.tcnt} at ${row.itime} was seen before with other values`,
          };
    }
    let reordered = false;
    if (state.lastSecond >= 0) {
      const step = mod(state.lastTcnt - row.tcnt, TCNT_MODULUS); // 1 = the next tick
      if (second < state.lastSecond) {
        if (step >= 1 && step < TCNT_MODULUS / 2) {
          return {
            ok: false,
            reason: 'time_reversal',
            detail: `${row.code} tick #${row.tcnt} follows #${state.lastTcnt} in the count but its time ${row.itime} is before the previous tick's`,
          };
        }
        reordered = true;
        this.filled++;
      } else if (step > 1 && step < TCNT_MODULUS / 2) {
        this.skipped += step - 1;
      }
    }
    state.slotSecond[row.tcnt] = second;
    state.slotPrint[row.tcnt] = print;
    if (!reordered) {
      state.lastSecond = second;
      state.lastTcnt = row.tcnt;
    }
    return { ok: true, reordered };
  }
}

/** 'hhmmss' → seconds since midnight (validated digits, so plain char arithmetic). */
function secondOfDay(hhmmss: string): number {
  const digit = (i: number) => hhmmss.charCodeAt(i) - 48;
  return (digit(0) * 10 + digit(1)) * 3600 + (digit(2) * 10 + digit(3)) * 60 + digit(4) * 10 + digit(5);
}

let lastDay = '';
let lastDayNumber = 0;

/** Days since 1970 of a 'YYYYMMDD' (files hold one day, so the last answer is kept). */
function dayNumber(yyyymmdd: string): number {
  if (yyyymmdd !== lastDay) {
    lastDay = yyyymmdd;
    lastDayNumber = Math.floor(
      Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))) /
        86_400_000,
    );
  }
  return lastDayNumber;
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/**
 * A hash of the values that can differ between two ticks sharing code, tcnt and second (collisions only
 * risk calling a conflicting tick a duplicate; both are quarantined).
 */
function fingerprint(row: TickRow): number {
  let hash = 0x811c9dc5;
  hash = Math.imul(hash ^ Math.round(row.c * 100), 0x01000193);
  hash = Math.imul(hash ^ Math.round(row.o * 100), 0x01000193);
  hash = Math.imul(hash ^ Math.round(row.h * 100), 0x01000193);
  hash = Math.imul(hash ^ Math.round(row.l * 100), 0x01000193);
  hash = Math.imul(hash ^ row.ccnt, 0x01000193);
  hash = Math.imul(hash ^ row.oi, 0x01000193);
  hash = Math.imul(hash ^ Math.round(row.strike * 10), 0x01000193);
  return hash | 0;
}
