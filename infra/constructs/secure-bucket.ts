import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { IBucket, LifecycleRule } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Where S3 server access logs go; omit only for the access-log bucket itself. */
  accessLogs?: IBucket;
  accessLogsPrefix?: string;
  retainData: boolean;
  /** Days to keep replaced/deleted object versions. */
  noncurrentVersionDays: number;
  /** Extra lifecycle rules (prefix expirations and the like). */
  lifecycleRules?: LifecycleRule[];
}

/**
 * An S3 bucket with quotelab's defaults: SSE-S3 encryption, all public access blocked, TLS-only
 * access (enforceSSL + TLS 1.2 minimum), bucket-owner-enforced ownership (no ACLs), versioning with
 * expiry of old versions, aborted multipart uploads cleaned up, and server access logging.
 */
export class SecureBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: props.accessLogs ? props.accessLogsPrefix : undefined,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      lifecycleRules: [
        {
          id: 'clean-up',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
          expiredObjectDeleteMarker: true,
        },
        ...(props.lifecycleRules ?? []),
      ],
    });
  }
}
