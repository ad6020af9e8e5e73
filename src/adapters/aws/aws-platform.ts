import type { Lake } from '../../core/lake/iceberg/index.ts';
import type { Platform } from '../../core/platform.ts';
import { DATA_BUCKET_PREFIXES, PLATFORM_ENV, readEnvironment } from '../../core/runtime-contract/index.ts';
import { AthenaQueryEngine } from './athena-query-engine.ts';
import { awsClientSettings } from './aws-config.ts';
import { DynamoDbKeyValueStore } from './dynamodb-key-value.ts';
import { GlueCatalog } from './glue-catalog.ts';
import { S3ObjectStore } from './s3-object-store.ts';

/**
 * The platform on AWS (or an emulator at AWS_ENDPOINT_URL), its resources named by the PLATFORM_ENV
 * variables (set on functions and jobs by the CDK app; from the stack outputs for the CLI).
 */
export function openAwsPlatform(env: NodeJS.ProcessEnv = process.env): Platform {
  const resources = readEnvironment(PLATFORM_ENV, env, {
    needs: 'target aws',
    hint: 'from the outputs of the deployed Lake and State stacks; see README "Deploy"',
  });
  const settings = awsClientSettings(env);
  const bucket = resources.dataBucket;
  const namespace = resources.glueDatabase;
  const data = new S3ObjectStore({ bucket });
  const state = new DynamoDbKeyValueStore({ tableName: resources.stateTable });
  const ingestLedger = new DynamoDbKeyValueStore({ tableName: resources.ingestLedgerTable });
  const catalog = new GlueCatalog({
    locks: state,
    tableLocation: (table) => `s3://${bucket}/${DATA_BUCKET_PREFIXES.lake}${table.namespace}/${table.name}`,
  });
  const lake: Lake = { store: data, catalog, uriRoot: `s3://${bucket}/` };
  const query = new AthenaQueryEngine({
    workGroup: resources.athenaWorkGroup,
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
