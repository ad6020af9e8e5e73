import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { CfnDatabase } from 'aws-cdk-lib/aws-glue';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config.ts';
import { SecureBucket } from '../constructs/secure-bucket.ts';
import { keyValueTable } from '../constructs/key-value-table.ts';
import { DATA_BUCKET_PREFIXES, PLATFORM_ENV } from '../../src/core/runtime-contract/index.ts';
import { STANDARD_QUERIES } from '../../src/core/lake/standard-queries.ts';
import { EtlIngest } from '../constructs/etl-ingest.ts';
import { dataBucketName } from '../naming.ts';

export interface LakeStackProps extends StackProps {
  config: EnvironmentConfig;
  /** Holds the Glue commit locks (State stack). */
  stateTable: Table;
  /** Where the lake's alarms go (State stack). */
  opsTopic: Topic;
}

/**
 * The lake: where XML arrives (data bucket, `incoming/`), the ETL that turns it into Iceberg tables
 * (`lake/`), the Glue database that catalogues them, the Athena workgroup and named queries that read
 * them, and the ingest ledger. The tables themselves are created by the ETL on first write, from the one
 * schema definition in src/core/lake/tables.ts (docs/decisions/0006-tables-created-by-the-etl.md).
 */
export class LakeStack extends Stack {
  readonly dataBucket: Bucket;
  readonly athenaResultsBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly glueDatabaseName: string;
  readonly workGroupName: string;
  readonly ingestLedger: Table;
  readonly etl: EtlIngest;

  constructor(scope: Construct, id: string, props: LakeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const bucketDefaults = {
      retainData: config.retainData,
      noncurrentVersionDays: config.noncurrentVersionDays,
    };

    this.accessLogsBucket = new SecureBucket(this, 'AccessLogs', {
      ...bucketDefaults,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;

    this.dataBucket = new SecureBucket(this, 'Data', {
      ...bucketDefaults,
      bucketName: dataBucketName(config),
      accessLogs: this.accessLogsBucket,
      accessLogsPrefix: 'data-bucket/',
    }).bucket;

    this.athenaResultsBucket = new SecureBucket(this, 'AthenaResults', {
      ...bucketDefaults,
      accessLogs: this.accessLogsBucket,
      accessLogsPrefix: 'athena-results-bucket/',
      lifecycleRules: [{ id: 'expire-query-results', expiration: Duration.days(30) }],
    }).bucket;

    this.glueDatabaseName = `quotelab_${config.id.replace(/-/g, '_')}`;
    const database = new CfnDatabase(this, 'GlueDatabase', {
      catalogId: this.account,
      databaseInput: {
        name: this.glueDatabaseName,
        description: 'quotelab Iceberg tables (bronze, silver, gold, market-making logs)',
        locationUri: this.dataBucket.s3UrlForObject(DATA_BUCKET_PREFIXES.lake),
      },
    });
    database.applyRemovalPolicy(config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

    this.workGroupName = `quotelab-${config.id}`;
    const workGroup = new CfnWorkGroup(this, 'AthenaWorkGroup', {
      name: this.workGroupName,
      description: 'quotelab queries over the Iceberg lake',
      state: 'ENABLED',
      recursiveDeleteOption: !config.retainData,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: config.athenaBytesScannedCutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.athenaResultsBucket.s3UrlForObject('athena/'),
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    workGroup.applyRemovalPolicy(config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);

    this.ingestLedger = keyValueTable(this, 'IngestLedger', config);

    this.etl = new EtlIngest(this, 'EtlIngest', {
      config,
      dataBucket: this.dataBucket,
      ingestLedger: this.ingestLedger,
      stateTable: props.stateTable,
      glueDatabaseName: this.glueDatabaseName,
      workGroupName: this.workGroupName,
      alarms: props.opsTopic,
    });
    this.etl.node.addDependency(database);

    for (const query of STANDARD_QUERIES) {
      const named = new CfnNamedQuery(this, `Query-${query.name}`, {
        name: `quotelab ${query.name}`,
        description: query.description,
        database: this.glueDatabaseName,
        workGroup: this.workGroupName,
        queryString: query.sql,
      });
      named.addResourceDependency(workGroup);
      named.addResourceDependency(database);
    }

    new CfnOutput(this, PLATFORM_ENV.dataBucket.output.name, { value: this.dataBucket.bucketName });
    new CfnOutput(this, 'IncomingPrefix', {
      value: `s3://${this.dataBucket.bucketName}/${DATA_BUCKET_PREFIXES.incoming}`,
    });
    new CfnOutput(this, 'AthenaResultsBucketName', { value: this.athenaResultsBucket.bucketName });
    new CfnOutput(this, PLATFORM_ENV.glueDatabase.output.name, { value: this.glueDatabaseName });
    new CfnOutput(this, PLATFORM_ENV.athenaWorkGroup.output.name, { value: this.workGroupName });
    new CfnOutput(this, PLATFORM_ENV.ingestLedgerTable.output.name, { value: this.ingestLedger.tableName });
  }
}
