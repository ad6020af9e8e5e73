import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import lockfile from 'proper-lockfile';
import { NotFoundError, PreconditionFailedError } from '../../core/ports/errors.ts';
import type {
  ByteRange,
  ListOptions,
  ListPage,
  ObjectBody,
  ObjectHead,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from '../../core/ports/object-store.ts';
import { RESERVED_SEGMENT, assertValidKey, compareKeys, decodeCursor, encodeCursor } from './object-keys.ts';

/** What we remember about a written object: its ETag, plus the file identity the ETag belongs to. */
interface Sidecar {
  etag: string;
  size: number;
  ino: number;
  mtimeMs: number;
  contentType?: string;
  metadata: Record<string, string>;
}

const DEFAULT_PAGE = 1000;

/**
 * The ObjectStore on a local folder. Objects are plain files at `<root>/<key>` (so DuckDB and other
 * tools can read them directly); bookkeeping lives under `<root>/.ql/`.
 *
 * - Writes stream into a temporary file and are renamed into place: readers see the old or the new
 *   object, never a partial one.
 * - ETags are the MD5 of the content (as S3 gives for single-part uploads), computed while writing and
 *   kept in a sidecar file. A sidecar that does not match the file (written by someone else, or a crash
 *   between rename and sidecar) is ignored and the MD5 recomputed.
 * - Every mutation of a key holds a per-key lock (proper-lockfile: a lock directory with stale-lock
 *   recovery), so conditional writes are atomic across processes, not just within one.
 */
export class FsObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;
  private readonly bookkeeping: string;
  private bookkeepingReady?: Promise<void>;

  constructor(root: string) {
    this.root = root;
    this.location = `file://${root}`;
    this.bookkeeping = join(root, RESERVED_SEGMENT);
  }

  /** The file holding an object: for tools that read local files directly (DuckDB). */
  pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<PutResult> {
    const target = this.pathOf(key);
    await this.ensureBookkeeping();
    const tmp = join(this.bookkeeping, 'tmp', randomUUID());
    try {
      const { etag } = await writeHashed(tmp, body);
      await this.withKeyLock(key, async () => {
        if (options.ifAbsent && (await statOrUndefined(target))) {
          throw new PreconditionFailedError(key, 'object must not exist');
        }
        if (options.ifMatch !== undefined) {
          const current = await this.head(key);
          if (current?.etag !== options.ifMatch) {
            throw new PreconditionFailedError(key, `ETag must be ${options.ifMatch}`);
          }
        }
        await mkdir(dirname(target), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'EEXIST' || error.code === 'ENOTDIR' ? folderConflict(key) : error;
        });
        await rename(tmp, target).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'EISDIR' || error.code === 'ENOTEMPTY' ? folderConflict(key) : error;
        });
        const stats = await stat(target);
        await this.writeSidecar(key, {
          etag,
          size: stats.size,
          ino: stats.ino,
          mtimeMs: stats.mtimeMs,
          contentType: options.contentType,
          metadata: options.metadata ?? {},
        });
      });
      return { key, etag };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async getBytes(key: string, range?: ByteRange): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of await this.getStream(key, range)) chunks.push(chunk);
    const joined = Buffer.concat(chunks);
    return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
  }

  async getStream(key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
    const path = this.pathOf(key);
    // Open first so a missing object fails here, not in the middle of the caller's loop.
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw isMissing(error) ? new NotFoundError(key) : error;
    });
    // 1 MiB reads: fewer trips to the thread pool for consumers that hash or parse a big object.
    return handle.createReadStream({
      start: range?.start,
      end: range?.end,
      autoClose: true,
      highWaterMark: 1 << 20,
    });
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const stats = await statOrUndefined(this.pathOf(key));
    if (!stats) return undefined;
    const sidecar = await this.readSidecar(key);
    const fresh =
      sidecar &&
      sidecar.ino === stats.ino &&
      sidecar.size === stats.size &&
      sidecar.mtimeMs === stats.mtimeMs;
    return {
      key,
      size: stats.size,
      lastModified: stats.mtime,
      etag: fresh ? sidecar.etag : await md5OfFile(this.pathOf(key)),
      contentType: fresh ? sidecar.contentType : undefined,
      metadata: fresh ? sidecar.metadata : {},
    };
  }

  async list(options: ListOptions = {}): Promise<ListPage> {
    const prefix = options.prefix ?? '';
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_PAGE, DEFAULT_PAGE));
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;

    // Walk only the deepest folder the prefix pins down, then filter and sort by bytes as S3 does.
    const lastSlash = prefix.lastIndexOf('/');
    const baseKey = lastSlash >= 0 ? prefix.slice(0, lastSlash) : '';
    const keys = (await this.walk(baseKey))
      .filter((key) => key.startsWith(prefix) && (after === undefined || compareKeys(key, after) > 0))
      .sort(compareKeys);

    const objects: ObjectInfo[] = [];
    for (const key of keys) {
      if (objects.length === limit) break;
      const info = await this.head(key);
      if (info) objects.push({ key, size: info.size, etag: info.etag, lastModified: info.lastModified });
    }
    const more = keys.length > objects.length;
    const last = objects.at(-1);
    return { objects, cursor: more && last ? encodeCursor(last.key) : undefined };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await this.withKeyLock(key, async () => {
      await rm(path, { force: true });
      await rm(this.sidecarPath(key), { force: true });
    });
  }

  private async walk(baseKey: string): Promise<string[]> {
    const start = baseKey ? this.pathOf(baseKey) : this.root;
    const entries = await readdir(start, { recursive: true, withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (isMissing(error) || error.code === 'ENOTDIR') return [];
        throw error;
      },
    );
    const keys: string[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/');
      if (key.split('/')[0] !== RESERVED_SEGMENT) keys.push(key);
    }
    return keys;
  }

  private ensureBookkeeping(): Promise<void> {
    this.bookkeepingReady ??= Promise.all(
      ['tmp', 'locks'].map((dir) => mkdir(join(this.bookkeeping, dir), { recursive: true })),
    ).then(() => undefined);
    return this.bookkeepingReady;
  }

  private async withKeyLock<T>(key: string, action: () => Promise<T>): Promise<T> {
    await this.ensureBookkeeping();
    const lockName = createHash('sha256').update(key).digest('hex');
    const release = await lockfile.lock(join(this.bookkeeping, 'locks', lockName), {
      realpath: false,
      stale: 10_000,
      retries: { retries: 400, factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
    });
    try {
      return await action();
    } finally {
      await release();
    }
  }

  private sidecarPath(key: string): string {
    return join(this.bookkeeping, 'meta', ...key.split('/')) + '.json';
  }

  private async readSidecar(key: string): Promise<Sidecar | undefined> {
    try {
      return JSON.parse(await readFile(this.sidecarPath(key), 'utf8')) as Sidecar;
    } catch {
      return undefined; // absent or unreadable: the caller recomputes
    }
  }

  private async writeSidecar(key: string, sidecar: Sidecar): Promise<void> {
    const path = this.sidecarPath(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(sidecar));
    await rename(tmp, path);
  }
}

async function writeHashed(path: string, body: ObjectBody): Promise<{ etag: string; size: number }> {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    await writeFile(path, bytes);
    return { etag: createHash('md5').update(bytes).digest('hex'), size: bytes.byteLength };
  }
  const hash = createHash('md5');
  let size = 0;
  async function* hashing(chunks: AsyncIterable<Uint8Array>) {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.byteLength;
      yield chunk;
    }
  }
  await pipeline(Readable.from(hashing(body)), createWriteStream(path));
  return { etag: hash.digest('hex'), size };
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : undefined;
  } catch (error) {
    if (isMissing(error as NodeJS.ErrnoException)) return undefined;
    throw error;
  }
}

/** S3 allows objects "a" and "a/b" side by side; a folder cannot, so the local store refuses clearly. */
function folderConflict(key: string): TypeError {
  return new TypeError(
    `the local object store cannot hold ${JSON.stringify(key)}: one of its path segments is both an object and a folder of other keys`,
  );
}

function isMissing(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ENOENT' || error.code === 'ENOTDIR';
}
