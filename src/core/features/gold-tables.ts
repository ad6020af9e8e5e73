/**
 * The offline batch: ticks of one or more days in, the three gold tables out (`gold_bars_1m`,
 * `gold_features_1m`, `gold_labels_1m`), one row per bar in each, all in clock order (bar_ts, then code).
 * Bars and features come from the incremental objects the live agent runs; only the labels, which need
 * the future, are batch-only.
 */
import { buildMinuteBars, buildMinuteBarsFromOrdered } from './bars.ts';
import type { BarTick, MinuteBar, RejectedTicks } from './bars.ts';
import { computeFeatures } from './features.ts';
import type { FeatureRow } from './features.ts';
import { computeLabels } from './labels.ts';
import type { LabelRow } from './labels.ts';
import { featureSpecHash } from './spec.ts';

export interface GoldTables {
  bars: MinuteBar[];
  features: FeatureRow[];
  labels: LabelRow[];
  rejected: RejectedTicks;
  /** featureSpecHash() of the spec the tables were built with. */
  featureHash: string;
}

export function buildGoldTables(ticks: Iterable<BarTick>): GoldTables {
  return goldTablesOf(buildMinuteBars(ticks));
}

/** The same for ticks already in time order (see buildMinuteBarsFromOrdered). */
export function buildGoldTablesFromOrdered(ordered: Iterable<BarTick>): GoldTables {
  return goldTablesOf(buildMinuteBarsFromOrdered(ordered));
}

function goldTablesOf({ bars, rejected }: { bars: MinuteBar[]; rejected: RejectedTicks }): GoldTables {
  return {
    bars,
    features: computeFeatures(bars),
    labels: computeLabels(bars),
    rejected,
    featureHash: featureSpecHash(),
  };
}
