/** Minute bars, features and labels for KRX option ticks: one implementation for the batch and the live agent. */
export {
  buildMinuteBars,
  byClock,
  closeBarTsOf,
  kstMinuteOf,
  minuteStart,
  MinuteBarBuilder,
  MINUTE_MS,
} from './bars.ts';
export type { BarTick, MinuteBar, RejectedTicks } from './bars.ts';
export { barKeys, computeFeatures, FeatureEngine, FeatureInputError } from './features.ts';
export type { BarKeys, FeatureRow, FeatureValues } from './features.ts';
export { buildGoldTables } from './gold-tables.ts';
export type { GoldTables } from './gold-tables.ts';
export { computeLabels } from './labels.ts';
export type { LabelRow, LabelValues } from './labels.ts';
export { MinuteFeatureStream } from './live.ts';
export type { ClosedBar } from './live.ts';
export { RingBuffer, sampleStd, windowMax, windowMin } from './rolling.ts';
export {
  canonicalJson,
  FEATURE_NAMES,
  FEATURE_SPEC,
  featureSpecHash,
  LABEL_NAMES,
  MINUTES_PER_YEAR,
} from './spec.ts';
export type { FeatureName, FeatureSpec, LabelName } from './spec.ts';
