import { describe } from 'vitest';
import { S3ObjectStore } from '../../src/adapters/aws/s3-object-store.ts';
import { objectStoreContract } from '../contract/object-store.contract.ts';
import { awsEmulator, awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createBucket } from '../support/aws-resources.ts';

describe.skipIf(awsTierSkipped)('S3 over HTTP', () => {
  objectStoreContract(`S3ObjectStore against ${awsEmulator}`, async () => {
    await resetEmulator();
    const bucket = uniqueName('quotelab-contract');
    await createBucket(bucket);
    return {
      store: new S3ObjectStore({ bucket, partSize: 8 * 1024 * 1024 }),
      lacksMultipartIfMatch:
        awsEmulator === 'moto'
          ? 'moto 5.2.5 ignores If-Match on CompleteMultipartUpload (it honours If-None-Match); real S3 and this test against another endpoint check it'
          : undefined,
    };
  });
});
