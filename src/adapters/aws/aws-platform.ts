import type { Platform } from '../../core/ports/platform.ts';
import { awsClientSettings } from './aws-config.ts';
import { DynamoDbKeyValueStore } from './dynamodb-key-value.ts';
import { S3ObjectStore } from './s3-object-store.ts';

/** The environment variables that name a deployment's resources (set on Lambdas by CDK; from stack outputs for the CLI). */
export const AWS_RESOURCE_VARIABLES = {
  dataBucket: 'QUOTELAB_DATA_BUCKET',
  stateTable: 'QUOTELAB_STATE_TABLE',
  ingestLedgerTable: 'QUOTELAB_INGEST_LEDGER_TABLE',
} as const;

/** The platform on AWS (or an emulator at AWS_ENDPOINT_URL): S3 and DynamoDB named by environment variables. */
export function openAwsPlatform(env: NodeJS.ProcessEnv = process.env): Platform {
  const missing = Object.values(AWS_RESOURCE_VARIABLES).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `target aws needs ${missing.join(', ')} (from the outputs of the deployed Lake and State stacks; see README "Deploy")`,
    );
  }
  const settings = awsClientSettings(env);
  const data = new S3ObjectStore({ bucket: env[AWS_RESOURCE_VARIABLES.dataBucket]! });
  const state = new DynamoDbKeyValueStore({ tableName: env[AWS_RESOURCE_VARIABLES.stateTable]! });
  const ingestLedger = new DynamoDbKeyValueStore({
    tableName: env[AWS_RESOURCE_VARIABLES.ingestLedgerTable]!,
  });
  return {
    target: 'aws',
    data,
    state,
    ingestLedger,
    describe: () => ({
      region: settings.region,
      endpoint: settings.endpoint ?? 'AWS default endpoints',
      data: data.location,
      state: state.location,
      ingestLedger: ingestLedger.location,
    }),
    close: async () => {},
  };
}
