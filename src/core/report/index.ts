/** Run reports: metrics, post-hoc regime tags and the self-contained HTML report. */
export { computeRunMetrics, DEFAULT_METRICS_OPTIONS, onCapital, utcDateOf } from './metrics.ts';
export type { DailyPnl, MetricsOptions, ReturnBasis, ReturnStats, RunMetrics, RunRecord } from './metrics.ts';
export { maxDrawdown, periodCloses, simpleReturns } from './equity.ts';
export type { Drawdown, PeriodClose } from './equity.ts';
export { pnlByRegime, quotedSpreadByRegime, regimeAt, UNKNOWN_REGIME } from './regime-stats.ts';
export type { RegimePnl, RegimeSpread } from './regime-stats.ts';
export {
  DEFAULT_REGIME_TAG_CONFIG,
  midPath,
  RegimeTagSeries,
  resolveRegimeTagConfig,
  tagRegimes,
} from './regime-tags.ts';
export type {
  PostHocRegime,
  PricePoint,
  RegimeTagConfig,
  RegimeWindow,
  VolatilityThreshold,
} from './regime-tags.ts';
export { DEFAULT_HTML_REPORT_OPTIONS, DEFAULT_QUOTES_WINDOW_MS, renderHtmlReport } from './html.ts';
export type { HtmlReportInput, HtmlReportOptions, MarketTradePoint, ReportMetadata } from './html.ts';
export { bookSyncSection } from './book-sync-section.ts';
export { metricRows } from './metric-rows.ts';
export type { MetricRow } from './metric-rows.ts';
export { downsampleMinMax } from './downsample.ts';
export { escapeHtml } from './escape.ts';
export type { DisplayZone } from './format.ts';
export { UTC_ZONE } from './format.ts';
export {
  boxStats,
  downsideDeviation,
  expectedShortfall,
  mean,
  quantileOfSorted,
  sampleStd,
} from './stats.ts';
export type { BoxStats } from './stats.ts';
export { riskTimelineHeadline, riskTimelineLines, riskTimelineSection } from './risk-timeline.ts';
