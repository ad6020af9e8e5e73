import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function createKeyValueTable(client: DynamoDBClient, name: string): Promise<void> {
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
}

describe.skipIf(awsTierSkipped)('quotelab --target aws over HTTP', () => {
  const resources = {
    QUOTELAB_DATA_BUCKET: uniqueName('quotelab-data'),
    QUOTELAB_STATE_TABLE: uniqueName('quotelab-state'),
    QUOTELAB_INGEST_LEDGER_TABLE: uniqueName('quotelab-ledger'),
  };

  beforeAll(async () => {
    await resetEmulator();
    const settings = awsClientSettings();
    await new S3Client(settings).send(new CreateBucketCommand({ Bucket: resources.QUOTELAB_DATA_BUCKET }));
    const dynamo = new DynamoDBClient(settings);
    await createKeyValueTable(dynamo, resources.QUOTELAB_STATE_TABLE);
    await createKeyValueTable(dynamo, resources.QUOTELAB_INGEST_LEDGER_TABLE);
  });

  it('doctor checks S3 and both DynamoDB tables through the AWS adapters', () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'src/cli/main.ts'), '--target', 'aws', '--json', 'doctor'],
      {
        encoding: 'utf8',
        env: { ...process.env, ...resources },
      },
    );
    expect(result.status, result.stderr + result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.target).toBe('aws');
    expect(report.locations).toMatchObject({
      endpoint: process.env.AWS_ENDPOINT_URL,
      data: `s3://${resources.QUOTELAB_DATA_BUCKET}/`,
      state: `dynamodb://${resources.QUOTELAB_STATE_TABLE}`,
    });
    expect(report.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });

  it('doctor reports a missing table as a failed check and exits non-zero', () => {
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'src/cli/main.ts'), '--target', 'aws', '--json', 'doctor'],
      {
        encoding: 'utf8',
        env: { ...process.env, ...resources, QUOTELAB_STATE_TABLE: 'no-such-table' },
      },
    );
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    const state = report.checks.find((c: { name: string }) => c.name === 'state store');
    expect(state.ok).toBe(false);
    expect(state.detail).toMatch(/not found|ResourceNotFound|non-existent/i);
  });
});
