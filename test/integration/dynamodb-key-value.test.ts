import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { describe } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { DynamoDbKeyValueStore } from '../../src/adapters/aws/dynamodb-key-value.ts';
import { keyValueContract } from '../contract/key-value.contract.ts';
import { awsEmulator, awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';

describe.skipIf(awsTierSkipped)('DynamoDB over HTTP', () => {
  keyValueContract(`DynamoDbKeyValueStore against ${awsEmulator}`, async () => {
    await resetEmulator();
    const client = new DynamoDBClient(awsClientSettings());
    const tableName = uniqueName('quotelab-contract');
    // The same key schema as the tables in infra/ (string pk + sk, on demand).
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    return new DynamoDbKeyValueStore({ tableName, client });
  });
});
