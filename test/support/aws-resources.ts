/** Creates emulator resources in the shapes the infrastructure defines (see infra/constructs). */
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';

export async function createBucket(name: string): Promise<void> {
  await new S3Client(awsClientSettings()).send(new CreateBucketCommand({ Bucket: name }));
}

/** The key schema of infra/constructs/key-value-table.ts: string pk + sk, on demand. */
export async function createKeyValueTable(name: string): Promise<DynamoDBClient> {
  const client = new DynamoDBClient(awsClientSettings());
  await client.send(
    new CreateTableCommand({
      TableName: name,
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
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
  return client;
}
