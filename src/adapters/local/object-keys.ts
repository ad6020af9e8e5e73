/**
 * Object keys become file paths in the local store, so they are checked before use: a key is a
 * '/'-separated path of non-empty segments, none of them '.' or '..', with no NUL or backslash.
 * The top-level segment '.ql' is reserved for the store's own bookkeeping.
 */
export const RESERVED_SEGMENT = '.ql';

export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new TypeError(`invalid object key ${JSON.stringify(key)}: ${problem}`);
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'empty';
  if (Buffer.byteLength(key) > 1024) return 'longer than 1024 bytes';
  if (key.startsWith('/')) return 'starts with /';
  if (key.includes('\0') || key.includes('\\')) return 'contains NUL or backslash';
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  if (segments[0] === RESERVED_SEGMENT) return `the top-level "${RESERVED_SEGMENT}" folder is reserved`;
  return undefined;
}

/** Byte-wise (UTF-8) comparison, the order S3 lists keys in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function encodeCursor(value: string): string {
  return Buffer.from(value).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString();
}
