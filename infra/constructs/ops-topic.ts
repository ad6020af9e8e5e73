import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface OpsTopicProps {
  /** Keep the key when the stack is deleted (prod): messages and subscriptions may still refer to it. */
  retainData: boolean;
}

/**
 * The SNS topic every quotelab alarm notifies: TLS-only and encrypted with a customer-managed KMS key.
 *
 * Not the AWS-managed `alias/aws/sns` key: CloudWatch publishes an alarm's notification as the service
 * principal `cloudwatch.amazonaws.com`, which needs `kms:GenerateDataKey*` and `kms:Decrypt` on the topic's
 * key, and the managed key's policy cannot be changed to grant that, so every alarm notification to such a
 * topic fails (the alarm shows "Failed to execute action"). Our key's policy grants exactly those two
 * actions to CloudWatch, for alarms of this account only. Subscribe people (email, chat) or automation (the
 * circuit breaker) to the topic.
 */
export class OpsTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: OpsTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'quotelab ops topic: SNS encryption that CloudWatch alarms can publish through',
      enableKeyRotation: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // Only alarms of this account and region may use the key and the topic (no confused deputy); the
    // CloudWatch service principal carries aws:SourceAccount and aws:SourceArn on both requests.
    const { account, region, partition } = Stack.of(this);
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
    };
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });
    // enforceSSL gives the topic an explicit policy, which replaces SNS's default one: say who may publish.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
  }
}
