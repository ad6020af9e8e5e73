import { Metric, Unit } from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS, METRICS_NAMESPACE, metricDimensions } from '../src/core/runtime-contract/index.ts';
import type { MetricName, MetricUnit } from '../src/core/runtime-contract/index.ts';

const UNITS: Record<MetricUnit, Unit> = { Count: Unit.COUNT, Seconds: Unit.SECONDS };

/**
 * A custom metric of the runtime's catalogue, as the handler that emits it does (`emitMetric`): the
 * namespace, name, unit and `service` dimension come from the catalogue, so an alarm built on it watches
 * exactly what is emitted. Period and statistic are the alarm's choice.
 */
export function catalogueMetric(
  name: MetricName,
  options: Omit<MetricOptions, 'dimensionsMap' | 'unit'> = {},
): Metric {
  return new Metric({
    ...options,
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: metricDimensions(name),
    unit: UNITS[METRICS[name].unit],
  });
}
