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
 * The ETL's triggers: S3 ObjectCreated under `incoming/` with one of these suffixes (a bucket notification
 * each): KRX XML, and regime labels CSV (the handler takes `labels_YYYYMMDD.csv` and skips other CSVs).
 */
export const INGEST_SOURCE_SUFFIXES = ['.xml', '.csv'] as const;

/**
 * Tuning study reports, `reports/studies/<studyId>/report.{json,html}`: written by the finalize step, the
 * one S3 write the Research stack grants.
 */
export const STUDY_REPORTS_PREFIX = `${DATA_BUCKET_PREFIXES.reports}studies/`;
