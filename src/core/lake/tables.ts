/**
 * The lake's tables: their Iceberg schemas and partition specs, defined once, here. The ETL creates a
 * table on first write from these definitions (CDK creates only the Glue database), so there is no second
 * copy of a schema in infrastructure code to drift (see docs/data-model.md).
 *
 * Field ids are permanent: add new columns with new ids at the end; never reuse or renumber.
 */
import { FEATURE_NAMES, LABEL_NAMES } from '../features/spec.ts';
import { definePartitionSpec, defineSchema, unpartitioned } from './iceberg/index.ts';
import type { FieldDefinition, PartitionFieldDefinition, PartitionSpec, Schema } from './iceberg/index.ts';

export interface LakeTable {
  name: string;
  doc: string;
  schema: Schema;
  spec: PartitionSpec;
}

function table(
  name: string,
  doc: string,
  fields: FieldDefinition[],
  partition: PartitionFieldDefinition[],
): LakeTable {
  const schema = defineSchema(fields);
  return {
    name,
    doc,
    schema,
    spec: partition.length ? definePartitionSpec(schema, partition) : unpartitioned(),
  };
}

/** Lineage columns every bronze and quarantine row carries. */
const lineage = (firstId: number): FieldDefinition[] => [
  { id: firstId, name: 'src_file', type: 'string', required: true, doc: 'object key the row came from' },
  {
    id: firstId + 1,
    name: 'src_sha256',
    type: 'string',
    required: true,
    doc: 'SHA-256 of the source object',
  },
  {
    id: firstId + 2,
    name: 'src_row',
    type: 'long',
    doc: 'index of the row among the root element’s children',
  },
  {
    id: firstId + 3,
    name: 'ingest_ts',
    type: 'timestamptz',
    required: true,
    doc: 'when the ETL read the file',
  },
];

export const BRONZE_TICKS = table(
  'bronze_ticks',
  'KRX tick rows exactly as received (typed), one per accepted XML row',
  [
    ...lineage(1),
    { id: 5, name: 'side', type: 'string', required: true, doc: 'CALL or PUT, from the code' },
    { id: 6, name: 'ymcode', type: 'string', required: true },
    { id: 7, name: 'code', type: 'string', required: true },
    { id: 8, name: 'strike', type: 'double', required: true, doc: 'the XML strike field (integer part)' },
    { id: 9, name: 'idate', type: 'string', required: true },
    { id: 10, name: 'itime', type: 'string', required: true },
    { id: 11, name: 'tdate', type: 'string', required: true, doc: 'as received, with its offset' },
    { id: 12, name: 'ts', type: 'timestamptz', required: true, doc: 'tdate as a UTC instant' },
    { id: 13, name: 'tcnt', type: 'int', required: true },
    { id: 14, name: 'c', type: 'double', required: true },
    { id: 15, name: 'o', type: 'double', required: true },
    { id: 16, name: 'h', type: 'double', required: true },
    { id: 17, name: 'l', type: 'double', required: true },
    { id: 18, name: 'oi', type: 'long', required: true },
    { id: 19, name: 'ccnt', type: 'int', required: true },
    { id: 20, name: 'extras', type: 'string', doc: 'unknown XML fields as JSON, when any' },
    // Added with partition evolution, so optional: rows ingested before it have no value (null).
    {
      id: 21,
      name: 'trade_date',
      type: 'date',
      doc: 'KST calendar date of ts (the partition); null in rows ingested before the column existed',
    },
  ],
  // The KST trade date, not day(ts): a UTC day would put each session's first 15 minutes (08:45–09:00
  // KST = 23:45–24:00 UTC) into the previous day's partition. Tables created with day(ts) are evolved to
  // this spec on their next write (spec id 1; their old files keep spec 0).
  [
    { column: 'trade_date', transform: 'identity' },
    { column: 'side', transform: 'identity' },
  ],
);

export const BRONZE_CODES = table(
  'bronze_codes',
  'KRX contract code rows exactly as received',
  [
    ...lineage(1),
    { id: 5, name: 'ymcode', type: 'string', required: true },
    { id: 6, name: 'code', type: 'string', required: true },
    { id: 7, name: 'lastday', type: 'string', required: true },
    { id: 8, name: 'extras', type: 'string' },
  ],
  [{ column: 'ymcode', transform: 'identity' }],
);

export const QUARANTINE = table(
  'quarantine',
  'every refused row or file, with the reason, its position and the raw text: nothing is dropped silently',
  [
    ...lineage(1),
    { id: 5, name: 'byte_offset', type: 'long', required: true },
    { id: 6, name: 'line', type: 'long', required: true },
    { id: 7, name: 'reason', type: 'string', required: true },
    { id: 8, name: 'detail', type: 'string', required: true },
    { id: 9, name: 'raw', type: 'string', required: true, doc: 'raw text, at most 64 KiB' },
    { id: 10, name: 'raw_truncated', type: 'boolean', required: true },
  ],
  [{ column: 'ingest_ts', transform: 'day' }],
);

export const SILVER_TICKS = table(
  'silver_ticks',
  'normalised ticks: UTC instants, KST trade date, decoded strikes; duplicates across files removed',
  [
    { id: 1, name: 'ymcode', type: 'string', required: true },
    { id: 2, name: 'side', type: 'string', required: true },
    { id: 3, name: 'code', type: 'string', required: true },
    { id: 4, name: 'strike', type: 'double', required: true, doc: 'decoded from the code (302.5, not 302)' },
    { id: 5, name: 'ts', type: 'timestamptz', required: true },
    { id: 6, name: 'tcnt', type: 'int', required: true },
    { id: 7, name: 'price', type: 'double', required: true },
    { id: 8, name: 'open', type: 'double', required: true },
    { id: 9, name: 'high', type: 'double', required: true },
    { id: 10, name: 'low', type: 'double', required: true },
    { id: 11, name: 'oi', type: 'long', required: true },
    { id: 12, name: 'ccnt', type: 'int', required: true },
    { id: 13, name: 'trade_date', type: 'date', required: true, doc: 'KST calendar date of ts' },
    { id: 14, name: 'minute_ts', type: 'timestamptz', required: true, doc: 'ts truncated to the minute' },
    { id: 15, name: 'expiry', type: 'date', required: true },
    { id: 16, name: 'src_file', type: 'string', required: true },
    { id: 17, name: 'src_row', type: 'long', required: true },
    { id: 18, name: 'ingest_ts', type: 'timestamptz', required: true },
  ],
  [
    { column: 'trade_date', transform: 'identity' },
    { column: 'side', transform: 'identity' },
  ],
);

export const DIM_CONTRACT = table(
  'dim_contract',
  'KOSPI200 option contracts from code files plus decoded codes',
  [
    { id: 1, name: 'code', type: 'string', required: true },
    { id: 2, name: 'product', type: 'string', required: true },
    { id: 3, name: 'side', type: 'string' },
    { id: 4, name: 'underlying', type: 'string', required: true },
    { id: 5, name: 'ymcode', type: 'string', required: true },
    { id: 6, name: 'strike', type: 'double' },
    { id: 7, name: 'lastday', type: 'string', required: true },
    { id: 8, name: 'expiry', type: 'date', required: true },
    { id: 9, name: 'multiplier', type: 'long', required: true },
    { id: 10, name: 'effective_from', type: 'date' },
    { id: 11, name: 'effective_to', type: 'date' },
    { id: 12, name: 'src_file', type: 'string', required: true },
  ],
  [],
);

const barKeys: FieldDefinition[] = [
  { id: 1, name: 'ymcode', type: 'string', required: true },
  { id: 2, name: 'side', type: 'string', required: true },
  { id: 3, name: 'code', type: 'string', required: true },
  { id: 4, name: 'strike', type: 'double', required: true },
  { id: 5, name: 'trade_date', type: 'date', required: true },
  { id: 6, name: 'minute', type: 'string', required: true, doc: 'KST HH:MM' },
  { id: 7, name: 'bar_ts', type: 'timestamptz', required: true, doc: 'start of the minute' },
];

export const GOLD_BARS_1M = table(
  'gold_bars_1m',
  '1-minute bars per code on the session clock (empty minutes carry the close forward; see feature-spec.md)',
  [
    ...barKeys,
    { id: 8, name: 'o', type: 'double', required: true },
    { id: 9, name: 'h', type: 'double', required: true },
    { id: 10, name: 'l', type: 'double', required: true },
    { id: 11, name: 'c', type: 'double', required: true },
    { id: 12, name: 'v', type: 'long', required: true, doc: 'contracts (sum of ccnt)' },
    { id: 13, name: 'tick_count', type: 'int', required: true },
    { id: 14, name: 'oi_last', type: 'long', required: true },
  ],
  [{ column: 'trade_date', transform: 'identity' }],
);

export const GOLD_FEATURES_1M = table(
  'gold_features_1m',
  'features per code and minute, from the one feature module the live agent also runs',
  [
    ...barKeys,
    {
      id: 8,
      name: 'asof_ts',
      type: 'timestamptz',
      required: true,
      doc: 'end of the bar: when the features are known',
    },
    ...FEATURE_NAMES.map((name, i): FieldDefinition => ({ id: 9 + i, name, type: 'double' })),
    { id: 9 + FEATURE_NAMES.length, name: 'feature_hash', type: 'string', required: true },
  ],
  [{ column: 'trade_date', transform: 'identity' }],
);

export const GOLD_LABELS_1M = table(
  'gold_labels_1m',
  'forward-return labels per code and minute (never joined into features at the same minute)',
  [
    ...barKeys,
    { id: 8, name: 'asof_ts', type: 'timestamptz', required: true },
    ...LABEL_NAMES.map((name, i): FieldDefinition => ({ id: 9 + i, name, type: 'double' })),
  ],
  [{ column: 'trade_date', transform: 'identity' }],
);

export const REGIME_LABELS_1M = table(
  'regime_labels_1m',
  'one regime label per KST minute, ingested from labels_YYYYMMDD.csv (a synthetic market’s true regimes, or a labelling of one’s own)',
  [
    { id: 1, name: 'src_file', type: 'string', required: true, doc: 'object key the label came from' },
    { id: 2, name: 'src_sha256', type: 'string', required: true, doc: 'SHA-256 of the source object' },
    { id: 3, name: 'src_line', type: 'long', required: true, doc: 'line of the label in the CSV' },
    { id: 4, name: 'ingest_ts', type: 'timestamptz', required: true, doc: 'when the ETL read the file' },
    { id: 5, name: 'trade_date', type: 'date', required: true, doc: 'KST date of the minute' },
    { id: 6, name: 'minute_ts', type: 'timestamptz', required: true, doc: 'start of the minute (UTC)' },
    { id: 7, name: 'regime', type: 'string', required: true },
  ],
  [{ column: 'trade_date', transform: 'identity' }],
);

export const INGEST_LOG = table(
  'ingest_log',
  'one row per ingest of a source file: what it read, accepted, quarantined and wrote',
  [
    { id: 1, name: 'src_file', type: 'string', required: true },
    { id: 2, name: 'src_sha256', type: 'string', required: true },
    { id: 3, name: 'kind', type: 'string', required: true, doc: 'tick, code or labels' },
    {
      id: 4,
      name: 'outcome',
      type: 'string',
      required: true,
      doc: 'ingested (first time) or replaced (changed file)',
    },
    { id: 5, name: 'rows_read', type: 'long', required: true },
    { id: 6, name: 'accepted', type: 'long', required: true },
    { id: 7, name: 'quarantined', type: 'long', required: true },
    { id: 8, name: 'silver_rows', type: 'long', required: true },
    {
      id: 9,
      name: 'duplicates_dropped',
      type: 'long',
      required: true,
      doc: 'ticks already in silver from other files',
    },
    { id: 10, name: 'gold_bars', type: 'long', required: true },
    { id: 11, name: 'started_at', type: 'timestamptz', required: true },
    { id: 12, name: 'finished_at', type: 'timestamptz', required: true },
    { id: 13, name: 'snapshots', type: 'string', required: true, doc: 'JSON: table → snapshot id written' },
  ],
  [{ column: 'finished_at', transform: 'day' }],
);

/** Keys every market-making row carries: which run, which instrument. */
const runKeys: FieldDefinition[] = [
  { id: 1, name: 'run_id', type: 'string', required: true, doc: 'backtest or agent run id' },
  { id: 2, name: 'strategy', type: 'string', required: true },
  { id: 3, name: 'instrument', type: 'string', required: true },
  { id: 4, name: 'ts', type: 'timestamptz', required: true },
  { id: 5, name: 'trade_date', type: 'date', required: true, doc: 'KST date for KRX, UTC date otherwise' },
];

export const MM_TRADES = table(
  'mm_trades',
  'the extended trade log (Seed B phase 1): every fill with the market and model state at the time',
  [
    ...runKeys,
    { id: 6, name: 'side', type: 'string', required: true },
    { id: 7, name: 'price', type: 'double', required: true },
    { id: 8, name: 'amount', type: 'double', required: true },
    { id: 9, name: 'cost', type: 'double', required: true },
    { id: 10, name: 'fee', type: 'double', required: true },
    { id: 11, name: 'rebate', type: 'double', required: true },
    { id: 12, name: 'realized_pnl', type: 'double', required: true },
    { id: 13, name: 'position_after', type: 'double', required: true },
    { id: 14, name: 'liquidity', type: 'string', required: true },
    { id: 15, name: 'spread_at_trade', type: 'double' },
    { id: 16, name: 'volatility', type: 'double' },
    { id: 17, name: 'regime', type: 'string', required: true },
    { id: 18, name: 'orderbook_imbalance', type: 'double' },
    { id: 19, name: 'mid_at_trade', type: 'double' },
    { id: 20, name: 'profitable', type: 'boolean' },
    { id: 21, name: 'note', type: 'string', required: true },
  ],
  [
    { column: 'trade_date', transform: 'identity' },
    { column: 'strategy', transform: 'identity' },
  ],
);

export const MM_SNAPSHOTS = table(
  'mm_snapshots',
  'one row per second per instrument of a run (Seed B market snapshots): mid, spread, position, volatility, depth',
  [
    ...runKeys,
    { id: 6, name: 'mid', type: 'double' },
    { id: 7, name: 'spread', type: 'double' },
    { id: 8, name: 'bid', type: 'double' },
    { id: 9, name: 'ask', type: 'double' },
    { id: 10, name: 'quote_bid', type: 'double' },
    { id: 11, name: 'quote_ask', type: 'double' },
    { id: 12, name: 'position', type: 'double', required: true },
    { id: 13, name: 'volatility', type: 'double' },
    { id: 14, name: 'bid_depth', type: 'double' },
    { id: 15, name: 'ask_depth', type: 'double' },
    { id: 16, name: 'imbalance', type: 'double' },
    { id: 17, name: 'equity', type: 'double', required: true },
    { id: 18, name: 'regime', type: 'string', required: true },
  ],
  [
    { column: 'trade_date', transform: 'identity' },
    { column: 'strategy', transform: 'identity' },
  ],
);

export const LAKE_TABLES: readonly LakeTable[] = [
  BRONZE_TICKS,
  BRONZE_CODES,
  QUARANTINE,
  SILVER_TICKS,
  DIM_CONTRACT,
  GOLD_BARS_1M,
  GOLD_FEATURES_1M,
  GOLD_LABELS_1M,
  REGIME_LABELS_1M,
  INGEST_LOG,
  MM_TRADES,
  MM_SNAPSHOTS,
];
