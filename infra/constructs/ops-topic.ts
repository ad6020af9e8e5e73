import { Validations } from 'aws-cdk-lib';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The SNS topic every quotelab alarm notifies: encrypted with the AWS-managed SNS key and TLS-only.
 * Subscribe people (email, chat) or automation (the circuit breaker) to it.
 */
export class OpsTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Encrypted with the AWS-managed key alias/aws/sns (masterKey above); the rule does not recognise an imported alias.',
    });
  }
}
