/**
 * Where the AWS adapters send requests. In AWS the SDK's defaults apply. Against an emulator
 * (moto, LocalStack) `AWS_ENDPOINT_URL` points every client at it, and S3 switches to path-style
 * addressing because emulators on 127.0.0.1 have no per-bucket host names.
 */
import { AWS_CLIENT_ENV, readEnvironment } from '../../core/runtime-contract/index.ts';

export interface AwsClientSettings {
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
}

export function awsClientSettings(env: NodeJS.ProcessEnv = process.env): AwsClientSettings {
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    endpoint,
    forcePathStyle:
      endpoint !== undefined ||
      readEnvironment(AWS_CLIENT_ENV, env, { needs: 'the AWS clients' }).s3PathStyle,
  };
}
