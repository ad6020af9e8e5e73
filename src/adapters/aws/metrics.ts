/**
 * Emitting catalogue metrics through Powertools: the unit comes from the catalogue
 * (src/core/runtime-contract/metrics.ts), so a handler cannot emit a name or unit an alarm does not know.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../core/runtime-contract/index.ts';
import type { MetricName } from '../../core/runtime-contract/index.ts';

export function emitMetric(metrics: Metrics, name: MetricName, value: number): void {
  metrics.addMetric(name, METRICS[name].unit, value);
}
