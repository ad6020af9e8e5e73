import { describe } from 'vitest';
import { DynamoDbKeyValueStore } from '../../src/adapters/aws/dynamodb-key-value.ts';
import { studyStoreContract } from '../contract/study-store.contract.ts';
import { awsEmulator, awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createKeyValueTable } from '../support/aws-resources.ts';

describe.skipIf(awsTierSkipped)('study store over HTTP', () => {
  studyStoreContract(`DynamoDB against ${awsEmulator}`, async () => {
    await resetEmulator();
    const tableName = uniqueName('quotelab-studies');
    const client = await createKeyValueTable(tableName);
    return new DynamoDbKeyValueStore({ tableName, client });
  });
});
