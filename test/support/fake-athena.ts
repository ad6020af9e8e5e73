/**
 * A stand-in for Athena's query API that answers `SELECT n FROM numbers WHERE n < COUNT [-- fail at K]`
 * (moto only returns canned results, and has no way to make a page fail). It pages like Athena's
 * GetQueryResults: MaxResults 1–1,000, the header row first on the first page (it counts towards
 * MaxResults), a NextToken while rows remain. Rows are made per page, so 50 M rows cost nothing until
 * read; the page holding row K throws, and every page asked for is recorded.
 */
import { InvalidRequestException } from '@aws-sdk/client-athena';

interface Execution {
  count: number;
  failAt?: number;
}

export interface FakeAthenaPage {
  queryId: string;
  maxResults: number | undefined;
  /** Data rows (not the header) in the page. */
  rows: number;
}

export class FakeAthenaClient {
  readonly pages: FakeAthenaPage[] = [];
  private readonly executions = new Map<string, Execution>();

  static numbers(count: number, failAt?: number): string {
    return `SELECT n FROM numbers WHERE n < ${count}${failAt === undefined ? '' : ` -- fail at ${failAt}`}`;
  }

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const input = command.input;
    switch (command.constructor.name) {
      case 'StartQueryExecutionCommand': {
        const match = /^SELECT n FROM numbers WHERE n < (\d+)(?: -- fail at (\d+))?$/.exec(
          String(input.QueryString),
        );
        if (!match) throw new InvalidRequestException({ message: 'unsupported SQL', $metadata: {} });
        const queryId = `q-${this.executions.size + 1}`;
        this.executions.set(queryId, {
          count: Number(match[1]),
          failAt: match[2] === undefined ? undefined : Number(match[2]),
        });
        return { QueryExecutionId: queryId };
      }
      case 'GetQueryExecutionCommand':
        return { QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } } };
      case 'GetQueryResultsCommand':
        return this.page(input);
      default:
        throw new Error(`FakeAthenaClient: ${command.constructor.name} is not faked`);
    }
  }

  private page(input: Record<string, unknown>) {
    const queryId = String(input.QueryExecutionId);
    const execution = this.executions.get(queryId)!;
    const maxResults = input.MaxResults as number | undefined;
    if (maxResults !== undefined && !(Number.isInteger(maxResults) && maxResults >= 1 && maxResults <= 1000))
      throw new InvalidRequestException({
        message: `MaxResults ${maxResults} out of 1..1000`,
        $metadata: {},
      });
    const first = input.NextToken === undefined;
    const start = first ? 0 : Number(input.NextToken);
    const room = (maxResults ?? 1000) - (first ? 1 : 0);
    const end = Math.min(execution.count, start + room);
    if (execution.failAt !== undefined && end > execution.failAt)
      throw new Error(`FakeAthenaClient: fetched row ${execution.failAt}, past the rows the test allows`);
    const rows = [];
    if (first) rows.push({ Data: [{ VarCharValue: 'n' }] });
    for (let n = start; n < end; n++) rows.push({ Data: [{ VarCharValue: String(n) }] });
    this.pages.push({ queryId, maxResults, rows: end - start });
    return {
      ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] }, Rows: rows },
      NextToken: end < execution.count ? String(end) : undefined,
    };
  }
}
