/**
 * The gold tables of one (trade date, side) unit, recomputed from silver by the one feature module. Only
 * the codes a new file touched are recomputed; the unit's other codes keep their rows as they were.
 */
import { buildGoldTables, buildGoldTablesFromOrdered } from '../../features/gold-tables.ts';
import type { GoldTables } from '../../features/gold-tables.ts';
import type { BarTick, MinuteBar } from '../../features/bars.ts';
import type { FeatureRow } from '../../features/features.ts';
import type { LabelRow } from '../../features/labels.ts';
import { FEATURE_NAMES, LABEL_NAMES } from '../../features/spec.ts';
import { daysFromIsoDate } from '../iceberg/index.ts';
import type { Row } from '../iceberg/index.ts';

export interface GoldRows {
  bars: Row[];
  features: Row[];
  labels: Row[];
  /** Ticks the bar builder refused (late or outside the session): zero on clean data. */
  rejectedTicks: number;
}

/** The replace key of a gold unit: one trade date and side, e.g. `gold/2025-12-01/CALL`. */
export function goldUnitKey(tradeDate: string, side: string): string {
  return `gold/${tradeDate}/${side}`;
}

/**
 * Gold rows for the given ticks (all ticks of the codes to recompute, for one trade date, from every
 * source). Ticks of one second must be in each source's file order, which is KRX's tcnt order: the bar
 * builder's stable sort by time keeps it.
 */
export function goldRowsFromTicks(ticks: readonly BarTick[]): GoldRows {
  return goldRowsOf(buildGoldTables(ticks));
}

/** The same from ticks already in time order (ties in file order), e.g. streamed from typed columns. */
export function goldRowsFromOrderedTicks(ordered: Iterable<BarTick>): GoldRows {
  return goldRowsOf(buildGoldTablesFromOrdered(ordered));
}

function goldRowsOf(gold: GoldTables): GoldRows {
  return {
    bars: gold.bars.map(barRow),
    features: gold.features.map((row) => featureRow(row, gold.featureHash)),
    labels: gold.labels.map(labelRow),
    rejectedTicks: gold.rejected.late + gold.rejected.outsideSession,
  };
}

function keys(
  bar: Pick<MinuteBar, 'ymcode' | 'side' | 'code' | 'strike' | 'trade_date' | 'minute' | 'bar_ts'>,
): Row {
  return {
    ymcode: bar.ymcode,
    side: bar.side,
    code: bar.code,
    strike: bar.strike,
    trade_date: daysFromIsoDate(bar.trade_date),
    minute: bar.minute,
    bar_ts: bar.bar_ts * 1000,
  };
}

function barRow(bar: MinuteBar): Row {
  return {
    ...keys(bar),
    o: bar.o,
    h: bar.h,
    l: bar.l,
    c: bar.c,
    v: bar.v,
    tick_count: bar.tick_count,
    oi_last: bar.oi_last,
  };
}

function featureRow(row: FeatureRow, featureHash: string): Row {
  const out: Row = { ...keys(row), asof_ts: row.asof_ts * 1000, feature_hash: featureHash };
  for (const name of FEATURE_NAMES) out[name] = row[name];
  return out;
}

function labelRow(row: LabelRow): Row {
  const out: Row = { ...keys(row), asof_ts: row.asof_ts * 1000 };
  for (const name of LABEL_NAMES) out[name] = row[name];
  return out;
}
