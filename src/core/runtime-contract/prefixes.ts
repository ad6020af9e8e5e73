/**
 * Prefixes of the data bucket, shared by the infrastructure (notifications, IAM scopes) and the code
 * that reads and writes them, so the two cannot drift apart.
 */
export const DATA_BUCKET_PREFIXES = {
  /** Drop tick and code XML here; the ETL picks up `*.xml`. */
  incoming: 'incoming/',
  /** Source files the ETL has ingested, moved out of `incoming/`. */
  processed: 'processed/',
  /** Source files the ETL refused, with a readable error report beside each. */
  failed: 'failed/',
  /** Iceberg tables (data and metadata). */
  lake: 'lake/',
  /** Experiment and backtest reports. */
  reports: 'reports/',
} as const;

/**
 * The ETL's trigger: S3 ObjectCreated under `incoming/` with this suffix (the bucket notification), and
 * the same filter in the handler for events that name other keys.
 */
export const INGEST_SOURCE_SUFFIX = '.xml';

/**
 * Tuning study reports, `reports/studies/<studyId>/report.{json,html}`: written by the finalize step, the
 * one S3 write the Research stack grants.
 */
export const STUDY_REPORTS_PREFIX = `${DATA_BUCKET_PREFIXES.reports}studies/`;
