import { beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../src/adapters/aws/athena-query-engine.ts';
import { rowObjects } from '../../src/core/ports/query-engine.ts';
import { awsTierSkipped, resetEmulator } from '../support/aws-env.ts';

/** moto answers Athena queries with results queued through its API (it does not execute SQL). */
async function queueResults(rows: string[][], columns: Array<{ Name: string; Type: string }>): Promise<void> {
  const response = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/static/athena/query-results`, {
    method: 'POST',
    body: JSON.stringify({
      region: 'us-east-1',
      results: [
        {
          rows: rows.map((row) => ({ Data: row.map((value) => ({ VarCharValue: value })) })),
          column_info: columns,
        },
      ],
    }),
  });
  if (!response.ok) throw new Error(`queueing results failed: ${response.status}`);
}

describe.skipIf(awsTierSkipped)('AthenaQueryEngine over HTTP (moto returns queued results)', () => {
  beforeAll(resetEmulator);

  it('starts the query in the workgroup, waits, reads and types the results, dropping the header row', async () => {
    const columns = [
      { Name: 'side', Type: 'varchar' },
      { Name: 'n', Type: 'bigint' },
      { Name: 'avg_price', Type: 'double' },
    ];
    await queueResults(
      [
        ['side', 'n', 'avg_price'],
        ['CALL', '1549', '4.25'],
        ['PUT', '1798', '2.5'],
      ],
      columns,
    );
    const engine = new AthenaQueryEngine({
      workGroup: 'primary',
      database: 'quotelab_test',
      pollMs: { initial: 10, max: 50 },
    });
    const result = await engine.query(
      'SELECT side, count(*) AS n, avg(price) AS avg_price FROM silver_ticks GROUP BY side',
    );
    expect(result.queryId).toMatch(/\w+/);
    expect(result.columns).toEqual([
      { name: 'side', type: 'varchar' },
      { name: 'n', type: 'bigint' },
      { name: 'avg_price', type: 'double' },
    ]);
    expect(rowObjects(result)).toEqual([
      { side: 'CALL', n: 1549, avg_price: 4.25 },
      { side: 'PUT', n: 1798, avg_price: 2.5 },
    ]);
  });
});
