import { Aws } from 'aws-cdk-lib';
import type { EnvironmentConfig } from './config.ts';

/**
 * Physical names other stacks derive instead of importing: the data bucket is named by convention, so the
 * Research stack can name its objects in IAM policies as plain ARNs (readable, and acknowledged by exact
 * cdk-nag finding ids) rather than through cross-stack references.
 */
export function dataBucketName(config: EnvironmentConfig): string {
  return `quotelab-${config.id}-data-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** ARN of objects under `prefix` in the data bucket. */
export function dataObjectsArn(config: EnvironmentConfig, prefix: string): string {
  return `arn:${Aws.PARTITION}:s3:::${dataBucketName(config)}/${prefix}*`;
}

/** How those ARNs read in cdk-nag finding ids. */
export function dataObjectsFinding(config: EnvironmentConfig, prefix: string): string {
  return `arn:<AWS::Partition>:s3:::quotelab-${config.id}-data-<AWS::AccountId>-<AWS::Region>/${prefix}*`;
}
