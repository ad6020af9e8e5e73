import type { Lake } from '../../core/lake/iceberg/index.ts';
import type { Platform } from '../../core/ports/platform.ts';
import { AthenaQueryEngine } from './athena-query-engine.ts';
import { awsClientSettings } from './aws-config.ts';
import { DynamoDbKeyValueStore } from './dynamodb-key-value.ts';
import { GlueCatalog } from './glue-catalog.ts';
import { S3ObjectStore } from './s3-object-store.ts';

/** The environment variables that name a deployment's resources (set on Lambdas by CDK; from stack outputs for the CLI). */
export const AWS_RESOURCE_VARIABLES = {
  dataBucket: 'QUOTELAB_DATA_BUCKET',
  stateTable: 'QUOTELAB_STATE_TABLE',
  ingestLedgerTable: 'QUOTELAB_INGEST_LEDGER_TABLE',
  glueDatabase: 'QUOTELAB_GLUE_DATABASE',
  athenaWorkGroup: 'QUOTELAB_ATHENA_WORKGROUP',
} as const;

/** The platform on AWS (or an emulator at AWS_ENDPOINT_URL), its resources named by environment variables. */
export function openAwsPlatform(env: NodeJS.ProcessEnv = process.env): Platform {
  const missing = Object.values(AWS_RESOURCE_VARIABLES).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `target aws needs ${missing.join(', ')} (from the outputs of the deployed Lake and State stacks; see README "Deploy")`,
    );
  }
  const settings = awsClientSettings(env);
  const bucket = env[AWS_RESOURCE_VARIABLES.dataBucket]!;
  const namespace = env[AWS_RESOURCE_VARIABLES.glueDatabase]!;
  const data = new S3ObjectStore({ bucket });
  const state = new DynamoDbKeyValueStore({ tableName: env[AWS_RESOURCE_VARIABLES.stateTable]! });
  const ingestLedger = new DynamoDbKeyValueStore({
    tableName: env[AWS_RESOURCE_VARIABLES.ingestLedgerTable]!,
  });
  const catalog = new GlueCatalog({
    locks: state,
    tableLocation: (table) => `s3://${bucket}/lake/${table.namespace}/${table.name}`,
  });
  const lake: Lake = { store: data, catalog, uriRoot: `s3://${bucket}/` };
  const query = new AthenaQueryEngine({
    workGroup: env[AWS_RESOURCE_VARIABLES.athenaWorkGroup]!,
    database: namespace,
  });
  return {
    target: 'aws',
    data,
    state,
    ingestLedger,
    catalog,
    lake,
    namespace,
    query,
    describe: () => ({
      region: settings.region,
      endpoint: settings.endpoint ?? 'AWS default endpoints',
      data: data.location,
      state: state.location,
      ingestLedger: ingestLedger.location,
      catalog: `${catalog.location}/${namespace}`,
      query: query.location,
    }),
    close: async () => {},
  };
}
