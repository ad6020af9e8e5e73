import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createBucket, createKeyValueTable } from '../support/aws-resources.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(awsTierSkipped)('quotelab --target aws over HTTP', () => {
  const resources = {
    QUOTELAB_DATA_BUCKET: uniqueName('quotelab-data'),
    QUOTELAB_STATE_TABLE: uniqueName('quotelab-state'),
    QUOTELAB_INGEST_LEDGER_TABLE: uniqueName('quotelab-ledger'),
    QUOTELAB_GLUE_DATABASE: uniqueName('quotelab_db').replace(/-/g, '_'),
    QUOTELAB_ATHENA_WORKGROUP: 'primary',
  };

  beforeAll(async () => {
    await resetEmulator();
    await createBucket(resources.QUOTELAB_DATA_BUCKET);
    await createKeyValueTable(resources.QUOTELAB_STATE_TABLE);
    await createKeyValueTable(resources.QUOTELAB_INGEST_LEDGER_TABLE);
    await new GlueClient(awsClientSettings()).send(
      new CreateDatabaseCommand({ DatabaseInput: { Name: resources.QUOTELAB_GLUE_DATABASE } }),
    );
  });

  it('doctor checks S3, both DynamoDB tables and the Glue catalog through the AWS adapters', () => {
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
