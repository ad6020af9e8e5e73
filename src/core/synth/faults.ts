/**
 * Fault injection into a tick file's rows, between the trade stream and the XML writer. Every fault is
 * recorded with the row index it has in the written file and the reason the reader must quarantine it
 * with (or where the reader reports it when it must accept it), so a reader test can check that
 * exactly these rows, and no others, are refused.
 *
 * Each fault is built to trip exactly one of the reader's checks, in the reader's order:
 *   duplicates       an identical copy right after the row                    → duplicate_tick
 *   reorder          a row swapped with the next tick of the same code, which
 *                    trades in a later second: valid, out of order            → accepted, summary.reordered
 *   bad-price        c = 0 or −c (→ non_positive_price), or "NaN" (→ invalid_value)
 *   off-grid         c moved off the grid (29.205, 29.07, 0.475), inside [l, h] when it can be
 *                                                                             → off_tick_grid
 *   outside-session  itime and tdate moved (consistently) 1–30 minutes before the open or after the
 *                    close                                                    → outside_session
 *   time-mismatch    idate one day earlier than tdate and itime say           → time_mismatch
 *   truncate         the file ends inside a row (no closing root)             → truncated
 * A faulted row's neighbours are left clean, so faults never interact.
 */
import { addDays, compactToIsoDate } from '../market/kst.ts';
import type { Session } from '../market/krx-calendar.ts';
import type { QuarantineReason } from '../xml/krx-rows.ts';
import { TICK_FIELDS } from '../xml/krx-rows.ts';
import { hhmmssOf, secondsOf } from './contract-month.ts';
import { FAULT_OUTCOMES, ROW_FAULT_KINDS } from './fault-spec.ts';
import type { FaultKind, FaultSpec, RowFaultKind } from './fault-spec.ts';
import { rowXml } from './krx-xml-writer.ts';
import type { RowToWrite } from './krx-xml-writer.ts';
import type { Random } from '../math/random.ts';
import type { SynthTick } from './trades.ts';

export interface InjectedFault {
  file: string;
  /** 0-based index of the row among the root's children in the written file; null for the whole file. */
  row: number | null;
  kind: FaultKind;
  /** The quarantine reason the reader must give; null when it must accept (see `accepted`). */
  reason: QuarantineReason | null;
  accepted?: 'summary.reordered' | 'summary.encoding';
  code?: string;
  tcnt?: number;
  /** What was changed, e.g. "c 29.2 → -29.2". */
  detail: string;
}

export interface TickFaultContext {
  fileName: string;
  /** The file's row element name (to size the cut of a truncated row). */
  rowTag: string;
  session: Session;
  spec: FaultSpec;
  rng: Random;
  /** Cut the file inside this written row (or inside the last row if the file is shorter). */
  truncateAtRow?: number;
  record(fault: InjectedFault): void;
}

// Field positions in TICK_FIELDS.
const IDATE = TICK_FIELDS.indexOf('idate');
const ITIME = TICK_FIELDS.indexOf('itime');
const TDATE = TICK_FIELDS.indexOf('tdate');
const C = TICK_FIELDS.indexOf('c');

export function* injectTickFaults(
  ticks: Iterable<SynthTick>,
  valuesOf: (tick: SynthTick) => string[],
  context: TickFaultContext,
): Generator<RowToWrite> {
  const { rng, spec } = context;
  const cumulative: Array<[RowFaultKind, number]> = [];
  let total = 0;
  for (const kind of ROW_FAULT_KINDS) {
    total += spec.rates[kind];
    cumulative.push([kind, total]);
  }
  const record = (row: number, kind: FaultKind, tick: SynthTick, detail: string, reason?: QuarantineReason) =>
    context.record({
      file: context.fileName,
      row,
      kind,
      reason: reason ?? FAULT_OUTCOMES[kind].reasons[0] ?? null,
      ...(FAULT_OUTCOMES[kind].accepted ? { accepted: FAULT_OUTCOMES[kind].accepted } : {}),
      code: tick.code,
      tcnt: tick.tcnt,
      detail,
    });

  const source = ticks[Symbol.iterator]();
  let next = source.next();
  let written = 0;
  let cooldown = 0;
  const cutAt = context.truncateAtRow;
  while (!next.done) {
    const tick = next.value;
    next = source.next();
    const values = valuesOf(tick);

    if (cutAt !== undefined && (written >= cutAt || next.done)) {
      const length = rowXml(context.rowTag, TICK_FIELDS, values).length;
      // Somewhere after the row's opening tag and before its closing one: unmistakably mid-row.
      const minimum = context.rowTag.length + 5;
      const keepChars = minimum + Math.floor(rng.float() * (length - 2 - minimum));
      record(written, 'truncate', tick, `file ends after ${keepChars} of the row's ${length} characters`);
      yield { values, keepChars };
      return;
    }
    // No fault next to another, nor next to the truncation point.
    const eligible = cooldown === 0 && (cutAt === undefined || written + 3 < cutAt);
    cooldown = Math.max(0, cooldown - 1);
    const u = total > 0 && eligible ? rng.float() : 1;
    const kind = u < total ? cumulative.find(([, upTo]) => u < upTo)![0] : undefined;

    switch (kind) {
      case undefined:
        break;
      case 'duplicates':
        yield values;
        written++;
        record(written, kind, tick, 'an exact copy of the row before it');
        cooldown = 1;
        break;
      case 'reorder': {
        const following = next.done ? undefined : next.value;
        if (!following || following.code !== tick.code || following.second <= tick.second) break;
        next = source.next();
        yield valuesOf(following);
        written++;
        record(
          written,
          kind,
          tick,
          `swapped with the next tick of ${tick.code}: #${tick.tcnt} at ${values[ITIME]} now follows #${following.tcnt} at ${hhmmssOf(following.second)}`,
        );
        cooldown = 1;
        break;
      }
      case 'bad-price': {
        const variant = rng.int(3);
        const before = values[C]!;
        values[C] = variant === 0 ? '0' : variant === 1 ? `-${before}` : 'NaN';
        record(
          written,
          kind,
          tick,
          `c ${before} → ${values[C]}`,
          variant === 2 ? 'invalid_value' : 'non_positive_price',
        );
        cooldown = 1;
        break;
      }
      case 'off-grid': {
        const before = values[C]!;
        values[C] = offGrid(tick, rng);
        record(written, kind, tick, `c ${before} → ${values[C]}`);
        cooldown = 1;
        break;
      }
      case 'outside-session': {
        const open = secondsOf(context.session.open);
        const close = secondsOf(context.session.close);
        const shift = 60 + rng.int(30 * 60 - 60);
        const moved = rng.bernoulli(0.5) ? open - shift : close + shift;
        const before = values[ITIME]!;
        const itime = hhmmssOf(moved);
        values[ITIME] = itime;
        values[TDATE] =
          `${values[TDATE]!.slice(0, 11)}${itime.slice(0, 2)}:${itime.slice(2, 4)}:${itime.slice(4, 6)}+09:00`;
        record(
          written,
          kind,
          tick,
          `itime ${before} → ${itime} (session ${context.session.open}–${context.session.close}), tdate moved with it`,
        );
        cooldown = 1;
        break;
      }
      case 'time-mismatch': {
        const before = values[IDATE]!;
        values[IDATE] = addDays(compactToIsoDate(before), -1).replace(/-/g, '');
        record(written, kind, tick, `idate ${before} → ${values[IDATE]} (tdate still says ${values[TDATE]})`);
        cooldown = 1;
        break;
      }
    }
    yield values;
    written++;
  }
}

/** A close price off the tick grid, kept inside the row's [l, h] when there is room so only the grid breaks. */
function offGrid(tick: SynthTick, rng: Random): string {
  // Half a hundredth is off every grid; at 10 points and above, 0.02 steps are off the 0.05 grid too.
  const candidates = tick.c >= 1000 ? [0.5, -0.5, 2, -2] : [0.5, -0.5];
  const inside = candidates.filter((d) => tick.c + d >= tick.l && tick.c + d <= tick.h);
  const pool = inside.length > 0 ? inside : candidates.filter((d) => tick.c + d > 0);
  const delta = pool[rng.int(pool.length)]!;
  const hundredths = tick.c + delta;
  return Number.isInteger(hundredths) ? String(hundredths / 100) : (hundredths / 100).toFixed(3);
}
