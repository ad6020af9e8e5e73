import { describe } from 'vitest';
import { DynamoDbKeyValueStore } from '../../src/adapters/aws/dynamodb-key-value.ts';
import { keyValueContract } from '../contract/key-value.contract.ts';
import { awsEmulator, awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createKeyValueTable } from '../support/aws-resources.ts';

describe.skipIf(awsTierSkipped)('DynamoDB over HTTP', () => {
  keyValueContract(`DynamoDbKeyValueStore against ${awsEmulator}`, async () => {
    await resetEmulator();
    const tableName = uniqueName('quotelab-contract');
    const client = await createKeyValueTable(tableName);
    return new DynamoDbKeyValueStore({ tableName, client });
  });
});
