import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { NotFoundError, PreconditionFailedError } from '../../core/ports/errors.ts';
import type {
  ByteRange,
  ListOptions,
  ListPage,
  ObjectBody,
  ObjectHead,
  ObjectStore,
  PutOptions,
  PutResult,
} from '../../core/ports/object-store.ts';
import { awsClientSettings } from './aws-config.ts';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Prepended to every key, e.g. "env/dev/". */
  keyPrefix?: string;
  client?: S3Client;
  /** Part size for streamed (multipart) uploads; S3's minimum is 5 MiB. */
  partSize?: number;
}

/**
 * The ObjectStore on S3. Conditional writes use S3's own If-None-Match / If-Match (on PutObject and
 * on CompleteMultipartUpload), so they are atomic on the service side.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly partSize: number;

  constructor(options: S3ObjectStoreOptions) {
    const settings = awsClientSettings();
    this.client = options.client ?? new S3Client(settings);
    this.bucket = options.bucket;
    this.keyPrefix = options.keyPrefix ?? '';
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.location = `s3://${this.bucket}/${this.keyPrefix}`;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<PutResult> {
    const params = {
      Bucket: this.bucket,
      Key: this.keyPrefix + key,
      ContentType: options.contentType,
      Metadata: options.metadata,
      IfNoneMatch: options.ifAbsent ? '*' : undefined,
      IfMatch: options.ifMatch,
    };
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const result = await this.client.send(new PutObjectCommand({ ...params, Body: body }));
        return { key, etag: result.ETag ?? '' };
      }
      const upload = new Upload({
        client: this.client,
        params: { ...params, Body: Readable.from(body) },
        partSize: this.partSize,
        queueSize: 4,
        leavePartsOnError: false,
      });
      const result = await upload.done();
      return { key, etag: result.ETag ?? '' };
    } catch (error) {
      // S3 answers If-Match on a missing key with 404: for the caller that is the same lost race.
      if (isPreconditionFailure(error) || (options.ifMatch !== undefined && isNotFound(error))) {
        throw new PreconditionFailedError(
          key,
          options.ifAbsent ? 'object must not exist' : `ETag must be ${options.ifMatch}`,
        );
      }
      throw error;
    }
  }

  async getBytes(key: string, range?: ByteRange): Promise<Uint8Array> {
    const response = await this.get(key, range);
    return response.Body!.transformToByteArray();
  }

  async getStream(key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.get(key, range);
    return response.Body as Readable;
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    try {
      const result = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }),
      );
      return {
        key,
        size: result.ContentLength ?? 0,
        etag: result.ETag ?? '',
        lastModified: result.LastModified ?? new Date(0),
        contentType: result.ContentType,
        metadata: result.Metadata ?? {},
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const result = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: this.keyPrefix + (options.prefix ?? ''),
        MaxKeys: options.limit,
        ContinuationToken: options.cursor,
      }),
    );
    return {
      objects: (result.Contents ?? []).map((object) => ({
        key: object.Key!.slice(this.keyPrefix.length),
        size: object.Size ?? 0,
        etag: object.ETag ?? '',
        lastModified: object.LastModified ?? new Date(0),
      })),
      cursor: result.IsTruncated ? result.NextContinuationToken : undefined,
    };
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }));
  }

  private async get(key: string, range?: ByteRange) {
    try {
      return await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.keyPrefix + key,
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(key);
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}

/** 412 from PutObject/CompleteMultipartUpload; 409 ConditionalRequestConflict when a racing write lands first. */
function isPreconditionFailure(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  const status = error.$metadata.httpStatusCode;
  return (
    status === 412 ||
    error.name === 'PreconditionFailed' ||
    (status === 409 && error.name === 'ConditionalRequestConflict')
  );
}
