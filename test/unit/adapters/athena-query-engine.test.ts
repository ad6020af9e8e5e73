import { describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../../src/adapters/aws/athena-query-engine.ts';
import { queryEngineContract } from '../../contract/query-engine.contract.ts';
import { FakeAthenaClient } from '../../support/fake-athena.ts';

const engineOn = (client: FakeAthenaClient) =>
  new AthenaQueryEngine({
    workGroup: 'wg',
    database: 'db',
    client: client as never,
    pollMs: { initial: 1, max: 1 },
  });

queryEngineContract('Athena (AthenaQueryEngine on a paging stub of the Athena API)', async () => ({
  engine: engineOn(new FakeAthenaClient()),
  numbers: FakeAthenaClient.numbers,
}));

describe('AthenaQueryEngine paging at a row limit', () => {
  it('asks for one page just big enough for maxRows + 1 rows and the header', async () => {
    const client = new FakeAthenaClient();
    const result = await engineOn(client).query(FakeAthenaClient.numbers(50_000_000), { maxRows: 5 });
    expect(result).toMatchObject({ truncated: true, queryId: 'q-1' });
    expect(client.pages).toEqual([{ queryId: 'q-1', maxResults: 7, rows: 6 }]);
  });

  it('fetches one more row, not one more full page, to learn whether a page boundary is the end', async () => {
    const client = new FakeAthenaClient();
    const engine = engineOn(client);
    expect((await engine.query(FakeAthenaClient.numbers(999), { maxRows: 999 })).truncated).toBe(false);
    expect((await engine.query(FakeAthenaClient.numbers(1000), { maxRows: 999 })).truncated).toBe(true);
    expect(client.pages).toEqual([
      { queryId: 'q-1', maxResults: 1000, rows: 999 },
      { queryId: 'q-2', maxResults: 1000, rows: 999 },
      { queryId: 'q-2', maxResults: 1, rows: 1 },
    ]);
  });

  it('pages through everything with full pages when no limit is given', async () => {
    const client = new FakeAthenaClient();
    expect((await engineOn(client).query(FakeAthenaClient.numbers(2500))).rows).toHaveLength(2500);
    expect(client.pages.map((page) => [page.maxResults, page.rows])).toEqual([
      [1000, 999],
      [1000, 1000],
      [1000, 501],
    ]);
  });
});
