import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { ColumnInfo, Datum } from '@aws-sdk/client-athena';
import { QueryFailedError, rowLimit } from '../../core/ports/query-engine.ts';
import type { QueryEngine, QueryOptions, QueryResult, QueryValue } from '../../core/ports/query-engine.ts';
import { awsClientSettings } from './aws-config.ts';

/** GetQueryResults' largest page. */
const PAGE_ROWS = 1000;

export interface AthenaQueryEngineOptions {
  workGroup: string;
  /** The Glue database queries run in. */
  database: string;
  client?: Pick<AthenaClient, 'send'>;
  /** Poll interval bounds (ms). */
  pollMs?: { initial: number; max: number };
  /** Give up (and say so with the query id) after this long. */
  timeoutMs?: number;
}

/**
 * The QueryEngine on Athena: start the query in the workgroup (which enforces the results location and
 * encryption), poll with backoff until it ends, then page through the results. Failures carry Athena's
 * reason and the query id.
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly location: string;
  private readonly client: Pick<AthenaClient, 'send'>;
  private readonly options: AthenaQueryEngineOptions;

  constructor(options: AthenaQueryEngineOptions) {
    this.client = options.client ?? new AthenaClient(awsClientSettings());
    this.options = options;
    this.location = `athena://${options.workGroup}/${options.database}`;
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = Date.now();
    const maxRows = rowLimit(options);
    const { QueryExecutionId: queryId } = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database },
      }),
    );
    if (!queryId) throw new QueryFailedError('Athena returned no query id');
    const scannedBytes = await this.waitForSuccess(queryId, started);

    const result: QueryResult = {
      columns: [],
      rows: [],
      truncated: false,
      queryId,
      scannedBytes,
      elapsedMs: 0,
    };
    // Pages are asked for no bigger than what is still wanted, up to row maxRows + 1 (which says whether
    // there were more): past the limit nothing more is fetched.
    const wanted = maxRows === undefined ? Infinity : maxRows + 1;
    let NextToken: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          NextToken,
          // The first page of a SELECT starts with the header row.
          MaxResults: Math.min(PAGE_ROWS, wanted - result.rows.length + (first ? 1 : 0)),
        }),
      );
      const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      if (first)
        result.columns = info.map((column) => ({
          name: column.Name ?? '',
          type: (column.Type ?? 'varchar').toLowerCase(),
        }));
      let rows = page.ResultSet?.Rows ?? [];
      // For SELECT, Athena repeats the column names as the first row of the first page.
      if (first && rows.length > 0 && isHeader(rows[0]!.Data ?? [], info)) rows = rows.slice(1);
      for (const row of rows) {
        if (result.rows.length >= wanted) break;
        result.rows.push((row.Data ?? []).map((datum, i) => convert(datum, info[i])));
      }
      first = false;
      NextToken = page.NextToken;
    } while (NextToken && result.rows.length < wanted);
    if (maxRows !== undefined && result.rows.length > maxRows) {
      result.rows.length = maxRows;
      result.truncated = true;
    }
    result.elapsedMs = Date.now() - started;
    return result;
  }

  private async waitForSuccess(queryId: string, started: number): Promise<number | undefined> {
    const { initial, max } = this.options.pollMs ?? { initial: 100, max: 2000 };
    const timeoutMs = this.options.timeoutMs ?? 10 * 60_000;
    for (let delay = initial; ; delay = Math.min(max, delay * 1.5)) {
      const { QueryExecution } = await this.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
      );
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return QueryExecution?.Statistics?.DataScannedInBytes;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          QueryExecution?.Status?.AthenaError?.ErrorMessage ??
          QueryExecution?.Status?.StateChangeReason ??
          state;
        throw new QueryFailedError(`Athena query ${state.toLowerCase()}: ${reason}`, queryId);
      }
      if (Date.now() - started > timeoutMs)
        throw new QueryFailedError(`Athena query still ${state} after ${timeoutMs} ms`, queryId);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function isHeader(data: Datum[], info: ColumnInfo[]): boolean {
  return data.length === info.length && data.every((datum, i) => datum.VarCharValue === info[i]?.Name);
}

/** Athena returns every value as text; numbers and booleans become JS values, the rest stays text. */
function convert(datum: Datum, column: ColumnInfo | undefined): QueryValue {
  const text = datum.VarCharValue;
  if (text === undefined) return null;
  switch ((column?.Type ?? '').toLowerCase()) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'double':
    case 'float':
    case 'real':
      return Number(text);
    case 'bigint': {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : text;
    }
    case 'boolean':
      return text === 'true';
    default:
      return text;
  }
}
