import { describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../../src/adapters/aws/athena-query-engine.ts';
import { QueryFailedError } from '../../../src/core/ports/query-engine.ts';

describe('AthenaQueryEngine failures (stubbed Athena client: moto cannot make a query fail)', () => {
  it('surfaces Athena’s reason and the query id', async () => {
    const calls: string[] = [];
    const client = {
      send: async (command: { constructor: { name: string } }) => {
        calls.push(command.constructor.name);
        if (command.constructor.name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q-123' };
        return {
          QueryExecution: {
            Status: {
              State: 'FAILED',
              AthenaError: { ErrorMessage: "TABLE_NOT_FOUND: line 1:15: Table 'x' does not exist" },
            },
          },
        };
      },
    };
    const engine = new AthenaQueryEngine({
      workGroup: 'wg',
      database: 'db',
      client: client as never,
      pollMs: { initial: 1, max: 1 },
    });
    const error = await engine.query('SELECT * FROM x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError).message).toBe(
      "Athena query failed: TABLE_NOT_FOUND: line 1:15: Table 'x' does not exist (query q-123)",
    );
    expect((error as QueryFailedError).queryId).toBe('q-123');
    expect(calls).toEqual(['StartQueryExecutionCommand', 'GetQueryExecutionCommand']);
  });
});
