/**
 * icebird reads through `fetch` (HTTP range requests); the lake under test lives on disk. This serves
 * `file://` URLs from the filesystem, ranges included, and returns a function that restores `fetch`.
 * Shared by the conformance tests that open local tables with icebird.
 */
import { readFile } from 'node:fs/promises';

export function serveFileUrls(): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return realFetch(input, init);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(new URL(url));
    } catch {
      return new Response(null, { status: 404, statusText: 'Not Found' });
    }
    const range = /bytes=(\d+)-(\d*)/.exec(new Headers(init?.headers).get('range') ?? '');
    if (!range) return new Response(bytes, { status: 200 });
    const end = range[2] ? Number(range[2]) + 1 : bytes.length;
    return new Response(bytes.subarray(Number(range[1]), end), { status: 206 });
  }) as typeof fetch;
  return () => {
    globalThis.fetch = realFetch;
  };
}
