import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironments } from '../../infra/config.ts';
import { buildTestApp } from './synth.ts';

describe('the quotelab CDK app', () => {
  const { app, stages } = buildTestApp();

  it('has one Stage per environment in cdk.json: Dev and Prod, each with State, Lake and Research stacks', () => {
    expect(stages.map((stage) => stage.stageName)).toEqual(['Dev', 'Prod']);
    for (const stage of stages) {
      expect(stage.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual([
        'State',
        'Lake',
        'Research',
      ]);
    }
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('runs cdk-nag as a gate at synth: an insecure bucket fails synthesis (negative control)', () => {
    const { app: gated, stages: gatedStages } = buildTestApp();
    new Bucket(gatedStages[0]!.lake, 'Insecure');
    expect(() => gated.synth()).toThrow(/AwsSolutions-S10/);
  });

  for (const stageName of ['Dev', 'Prod'] as const) {
    describe(`${stageName}/Lake`, () => {
      let template: Template;
      beforeAll(() => {
        template = Template.fromStack(stages.find((s) => s.stageName === stageName)!.lake);
      });

      it('encrypts every bucket, blocks public access, versions objects and enforces TLS', () => {
        const buckets = template.findResources('AWS::S3::Bucket');
        expect(Object.keys(buckets)).toHaveLength(3); // access logs, data, Athena results
        for (const [logicalId, bucket] of Object.entries(buckets)) {
          const props = bucket.Properties;
          expect(
            props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
            logicalId,
          ).toEqual({
            SSEAlgorithm: 'AES256',
          });
          expect(props.PublicAccessBlockConfiguration, logicalId).toEqual({
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          });
          expect(props.VersioningConfiguration, logicalId).toEqual({ Status: 'Enabled' });
          expect(props.OwnershipControls.Rules, logicalId).toEqual([
            { ObjectOwnership: 'BucketOwnerEnforced' },
          ]);
          expect(props.LifecycleConfiguration.Rules, logicalId).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
            ]),
          );
        }
        const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
        expect(policies).toHaveLength(3);
        for (const policy of policies) {
          const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
          expect(statements).toEqual(
            expect.arrayContaining([
              expect.objectContaining({
                Effect: 'Deny',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
              expect.objectContaining({
                Effect: 'Deny',
                Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
              }),
            ]),
          );
        }
      });

      it('logs access to the data and Athena results buckets', () => {
        const logged = Object.values(template.findResources('AWS::S3::Bucket')).filter(
          (b) => b.Properties.LoggingConfiguration,
        );
        expect(logged.map((b) => b.Properties.LoggingConfiguration.LogFilePrefix).sort()).toEqual([
          'athena-results-bucket/',
          'data-bucket/',
        ]);
      });

      it('creates the Glue database for the lake', () => {
        template.hasResourceProperties('AWS::Glue::Database', {
          DatabaseInput: Match.objectLike({ Name: `quotelab_${stageName.toLowerCase()}` }),
        });
      });

      it('creates an Athena workgroup that enforces encrypted results and a scan limit', () => {
        template.hasResourceProperties('AWS::Athena::WorkGroup', {
          Name: `quotelab-${stageName.toLowerCase()}`,
          WorkGroupConfiguration: Match.objectLike({
            EnforceWorkGroupConfiguration: true,
            BytesScannedCutoffPerQuery: Match.anyValue(),
            EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
            ResultConfiguration: Match.objectLike({
              EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            }),
          }),
        });
      });

      it('creates the ingest ledger as a pk/sk table with point-in-time recovery and encryption', () => {
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        });
      });

      it(
        stageName === 'Prod'
          ? 'retains data when the stack is deleted'
          : 'lets data go when the stack is deleted',
        () => {
          const expected = stageName === 'Prod' ? 'Retain' : 'Delete';
          for (const type of ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::Glue::Database']) {
            for (const resource of Object.values(template.findResources(type))) {
              expect(resource.DeletionPolicy, type).toBe(expected);
            }
          }
        },
      );
    });
  }

  it('State stack holds the single-table platform store', () => {
    const template = Template.fromStack(stages[0]!.state);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasOutput('StateTableName', {});
  });

  for (const stageName of ['Dev', 'Prod'] as const) {
    it(`${stageName}/State: the ops topic is encrypted with a customer-managed key CloudWatch alarms may use`, () => {
      const template = Template.fromStack(stages.find((s) => s.stageName === stageName)!.state);
      // CloudWatch cannot use the AWS-managed alias/aws/sns key (its policy cannot be changed), so alarms
      // could never publish to a topic encrypted with it: the key must be ours, with a policy that lets
      // the CloudWatch service principal of this account encrypt for the topic.
      const keys = template.findResources('AWS::KMS::Key');
      expect(Object.keys(keys)).toHaveLength(1);
      const [keyId, key] = Object.entries(keys)[0]!;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe(stageName === 'Prod' ? 'Retain' : 'Delete');
      const statements = key.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>;
      const cloudWatch = statements.filter(
        (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
      );
      expect(cloudWatch).toHaveLength(1);
      expect(cloudWatch[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
      expect([cloudWatch[0]!.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      const fromOurAlarms = {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':cloudwatch:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':alarm:*',
              ],
            ],
          },
        },
      };
      expect(cloudWatch[0]!.Condition).toEqual(fromOurAlarms);
      const topics = template.findResources('AWS::SNS::Topic');
      expect(Object.keys(topics)).toHaveLength(1);
      const [topicId, topic] = Object.entries(topics)[0]!;
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      // The topic's own policy (explicit because of enforceSSL) lets the same alarms publish.
      const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
      expect(topicPolicies).toHaveLength(1);
      expect(topicPolicies[0]!.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: topicId },
          Condition: fromOurAlarms,
        }),
      );
      expect(JSON.stringify(template.toJSON())).not.toContain('alias/aws/sns');
    });
  }

  it('synthesizes with aws-cdk-lib CloudFormation validation on, no credentials needed', () => {
    const { app: validated } = buildTestApp({ cloudFormationValidation: true });
    const assembly = validated.synth();
    const stackNames = assembly.nestedAssemblies.flatMap((nested) =>
      nested.nestedAssembly.stacks.map((s) => s.hierarchicalId),
    );
    expect(stackNames.sort()).toEqual([
      'Dev/Lake',
      'Dev/Research',
      'Dev/State',
      'Prod/Lake',
      'Prod/Research',
      'Prod/State',
    ]);
  });
});

describe('environment configuration (cdk.json "quotelab")', () => {
  const valid = {
    stageName: 'Dev',
    retainData: false,
    logRetentionDays: 14,
    athenaBytesScannedCutoff: 10_000_000_000,
    noncurrentVersionDays: 7,
  };

  it('parses environments, defaulting account and region to environment-agnostic', () => {
    expect(parseEnvironments({ environments: { dev: valid } })).toEqual([
      { id: 'dev', account: null, region: null, ...valid },
    ]);
  });

  it('accepts a JSON string (cdk -c quotelab=...)', () => {
    expect(parseEnvironments(JSON.stringify({ environments: { dev: valid } }))[0]!.id).toBe('dev');
  });

  it('fails with a message naming the bad field', () => {
    expect(() => parseEnvironments({ environments: { dev: { ...valid, logRetentionDays: 13 } } })).toThrow(
      /environments\.dev\.logRetentionDays: logRetentionDays must be one of/,
    );
    expect(() => parseEnvironments({ environments: { dev: { ...valid, account: '12' } } })).toThrow(
      /account/,
    );
    expect(() => parseEnvironments(undefined)).toThrow(/invalid "quotelab" context/);
  });
});
