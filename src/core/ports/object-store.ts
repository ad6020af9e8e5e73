/**
 * ObjectStore: the blob storage every part of quotelab writes through (raw XML, Parquet data files,
 * Iceberg metadata, reports, model artifacts). S3 in AWS, a folder locally.
 *
 * Keys are '/'-separated paths without a leading slash. ETags are opaque version tokens: equal ETags
 * mean equal content; a successful write returns the new ETag. Conditional writes are the only
 * concurrency primitive the lake needs:
 *   - `ifAbsent`  : create only if no object exists under the key (else PreconditionFailedError);
 *   - `ifMatch`   : replace only if the current ETag is this one (else PreconditionFailedError).
 */

export type ObjectBody = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface PutOptions {
  contentType?: string;
  /** User metadata (ASCII keys and values), returned by head/get. */
  metadata?: Record<string, string>;
  /** Create only if absent. */
  ifAbsent?: boolean;
  /** Replace only if the current object has this ETag. */
  ifMatch?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface ObjectHead extends ObjectInfo {
  contentType?: string;
  metadata: Record<string, string>;
}

export interface PutResult {
  key: string;
  etag: string;
}

export interface ListOptions {
  /** Only keys starting with this string. */
  prefix?: string;
  /** Maximum keys in this page (the store may return fewer; 1000 at most on S3). */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Present when more keys follow. */
  cursor?: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. Omit for "to the end". */
  end?: number;
}

export interface ObjectStore {
  /** A short description for logs and `quotelab doctor`, e.g. "s3://bucket" or "file:///home/x". */
  readonly location: string;
  /** Writes a whole object. Stream bodies are uploaded in parts (multipart on S3), never buffered whole. */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<PutResult>;
  /** Reads a whole object into memory. Throws NotFoundError. */
  getBytes(key: string, range?: ByteRange): Promise<Uint8Array>;
  /** Streams an object. Throws NotFoundError (before the first chunk). */
  getStream(key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>>;
  /** Object metadata, or undefined when absent. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** One page of keys in lexicographic (byte) order. */
  list(options?: ListOptions): Promise<ListPage>;
  /** Deletes an object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
}

/** Every object under a prefix, following pagination. */
export async function* listAll(store: ObjectStore, prefix?: string): AsyncGenerator<ObjectInfo> {
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix, cursor });
    yield* page.objects;
    cursor = page.cursor;
  } while (cursor);
}

/** Reads an object as UTF-8 text. */
export async function getText(store: ObjectStore, key: string): Promise<string> {
  return new TextDecoder().decode(await store.getBytes(key));
}
