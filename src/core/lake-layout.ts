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
