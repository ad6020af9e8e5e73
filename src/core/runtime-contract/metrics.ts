/**
 * The metric catalogue: every custom CloudWatch metric the runtime emits (through Powertools, as EMF log
 * lines) and alarms may watch. A handler emits a catalogue entry (`emitMetric` in src/adapters/aws); an
 * alarm watches the same entry (`catalogueMetric` in infra), so namespace, name, unit and dimensions match.
 */

/** `POWERTOOLS_METRICS_NAMESPACE` of every function. */
export const METRICS_NAMESPACE = 'quotelab';

/**
 * Powertools service names (`POWERTOOLS_SERVICE_NAME`), one per function. Powertools adds the service to
 * every metric as the `service` dimension, so an alarm names the function that emits the metric.
 */
export const SERVICES = {
  etlIngest: 'etl-ingest',
  tuneInit: 'tune-init',
  tuneSuggest: 'tune-suggest',
  tuneRecord: 'tune-record',
  tuneFinalize: 'tune-finalize',
  trialRun: 'trial-run',
} as const;

export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** The dimension Powertools adds to every metric: the emitting function's service name. */
export const SERVICE_DIMENSION = 'service';

/** CloudWatch units the catalogue uses (the names Powertools' `MetricUnit` and CloudWatch share). */
export type MetricUnit = 'Count' | 'Seconds';

export interface MetricSpec {
  readonly unit: MetricUnit;
  /** The function that emits it: its only dimension. */
  readonly service: ServiceName;
  readonly description: string;
}

export const METRICS = {
  IngestFailures: {
    unit: 'Count',
    service: SERVICES.etlIngest,
    description:
      'Source objects the ETL failed to ingest (1 per object; the invocation fails and is retried).',
  },
  AcceptedRows: {
    unit: 'Count',
    service: SERVICES.etlIngest,
    description: 'Rows accepted from one ingested source object.',
  },
  QuarantinedRows: {
    unit: 'Count',
    service: SERVICES.etlIngest,
    description: 'Rows of one ingested source object written to quarantine.',
  },
  IngestSeconds: {
    unit: 'Seconds',
    service: SERVICES.etlIngest,
    description: 'Time to ingest one source object.',
  },
  TrialSeconds: {
    unit: 'Seconds',
    service: SERVICES.trialRun,
    description: 'Wall time of one tuning trial on Lambda.',
  },
  CompleteTrials: {
    unit: 'Count',
    service: SERVICES.tuneRecord,
    description: 'Trials of the study complete so far, after each batch.',
  },
  FailedTrials: {
    unit: 'Count',
    service: SERVICES.tuneRecord,
    description: 'Trials of the study failed so far, after each batch.',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** The dimensions a catalogue metric is emitted with (what an alarm on it must name). */
export function metricDimensions(name: MetricName): Record<typeof SERVICE_DIMENSION, ServiceName> {
  return { [SERVICE_DIMENSION]: METRICS[name].service };
}
