/**
 * The lake's standard queries, written once in SQL that both Athena (Trino) and DuckDB accept: plain
 * SELECTs, standard aggregates, no engine-specific functions. CDK registers them as Athena named queries;
 * `quotelab query` users can copy them; tests run them on DuckDB.
 */
export interface StandardQuery {
  name: string;
  description: string;
  sql: string;
}

export const STANDARD_QUERIES: readonly StandardQuery[] = [
  {
    name: 'latest-bars',
    description: 'The most recent 1-minute bars per code (last 30 minutes of the latest trade date)',
    sql: `SELECT code, side, strike, minute, o, h, l, c, v, tick_count
FROM gold_bars_1m
WHERE trade_date = (SELECT max(trade_date) FROM gold_bars_1m)
  AND bar_ts >= (SELECT max(bar_ts) FROM gold_bars_1m) - INTERVAL '30' MINUTE
ORDER BY code, minute`,
  },
  {
    name: 'daily-summary',
    description: 'Ticks, contracts, codes and price range per trade date and side',
    sql: `SELECT trade_date, side, count(*) AS ticks, sum(ccnt) AS contracts, count(DISTINCT code) AS codes,
       min(price) AS min_price, max(price) AS max_price, min(ts) AS first_trade, max(ts) AS last_trade
FROM silver_ticks
GROUP BY trade_date, side
ORDER BY trade_date, side`,
  },
  {
    name: 'quarantine-report',
    description: 'Refused rows per source file and reason, with an example detail',
    sql: `SELECT src_file, reason, count(*) AS quarantined, min(detail) AS example
FROM quarantine
GROUP BY src_file, reason
ORDER BY src_file, quarantined DESC`,
  },
  {
    name: 'ingest-history',
    description: 'Every ingest: what it read, accepted, quarantined and wrote, newest first',
    sql: `SELECT finished_at, src_file, outcome, kind, rows_read, accepted, quarantined, silver_rows,
       duplicates_dropped, gold_bars, src_sha256
FROM ingest_log
ORDER BY finished_at DESC`,
  },
];
