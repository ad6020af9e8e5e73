/**
 * Turns a file's bytes into text whatever encoding Korean systems exported it in: UTF-8 with or without
 * BOM, UTF-16 LE/BE (BOM, or detected from the `<?xml` pattern), and EUC-KR/CP949 when declared in the XML
 * declaration. Invalid bytes become U+FFFD, which the reader turns into `encoding_error` quarantine
 * records for the rows that contain them, so one bad byte never costs a whole file.
 */
import { Buffer, isAscii } from 'node:buffer';

export interface DetectedEncoding {
  /** WHATWG encoding label for TextDecoder. */
  label: 'utf-8' | 'utf-16le' | 'utf-16be' | 'euc-kr';
  /** How it was decided, for the summary. */
  evidence: 'bom' | 'declaration' | 'byte-pattern' | 'default';
}

const DECLARED: Record<string, DetectedEncoding['label']> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'euc-kr': 'euc-kr',
  euckr: 'euc-kr',
  cp949: 'euc-kr', // WHATWG's euc-kr decoder is windows-949 (CP949), a superset of EUC-KR
  'windows-949': 'euc-kr',
  'ks_c_5601-1987': 'euc-kr',
  'x-windows-949': 'euc-kr',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
};

/** Decides the encoding from the first bytes of a file (the first 1 KiB is plenty). */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { label: 'utf-8', evidence: 'bom' };
  if (head[0] === 0xff && head[1] === 0xfe) return { label: 'utf-16le', evidence: 'bom' };
  if (head[0] === 0xfe && head[1] === 0xff) return { label: 'utf-16be', evidence: 'bom' };
  if (head[0] === 0x3c && head[1] === 0x00 && head[2] === 0x3f && head[3] === 0x00) {
    return { label: 'utf-16le', evidence: 'byte-pattern' };
  }
  if (head[0] === 0x00 && head[1] === 0x3c && head[2] === 0x00 && head[3] === 0x3f) {
    return { label: 'utf-16be', evidence: 'byte-pattern' };
  }
  // ASCII-compatible: read the declaration's encoding pseudo-attribute, if any.
  const prolog = new TextDecoder('latin1').decode(head.subarray(0, 512));
  const match = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog);
  if (match) {
    const label = DECLARED[match[1]!.toLowerCase()];
    if (label) return { label, evidence: 'declaration' };
  }
  return { label: 'utf-8', evidence: 'default' };
}

/**
 * Streams decoded text. The encoding is detected from the first chunk (buffered until 4 bytes are
 * available); multi-byte sequences split across chunks are handled by TextDecoder's stream mode.
 *
 * KRX files are ASCII in practice, and UTF-8 decoding was a seventh of reading one. A UTF-8 chunk that is
 * all ASCII (checked with SIMD by `isAscii`) decodes to the same text byte for byte, so it is copied as
 * Latin-1 instead, but only when the decoder cannot be holding part of a sequence (the chunk before ended
 * in an ASCII byte) and has already seen the file's first bytes (where it strips a BOM).
 */
export async function* decodeText(
  source: AsyncIterable<Uint8Array>,
  onDetected: (encoding: DetectedEncoding) => void,
): AsyncGenerator<{ text: string; bytes: number }> {
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let pending: Uint8Array | undefined;
  let utf8 = false;
  let endedInAscii = false;
  for await (const chunk of pieces(source)) {
    let bytes = chunk;
    if (!decoder) {
      bytes = pending ? concat(pending, chunk) : chunk;
      if (bytes.length < 4) {
        pending = bytes;
        continue;
      }
      const detected = detectEncoding(bytes.subarray(0, 1024));
      onDetected(detected);
      decoder = new TextDecoder(detected.label, { fatal: false, ignoreBOM: false });
      utf8 = detected.label === 'utf-8';
      pending = undefined;
    } else if (bytes.length === 0) {
      continue;
    } else if (utf8 && endedInAscii && isAscii(bytes)) {
      yield {
        text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'),
        bytes: bytes.length,
      };
      continue;
    }
    if (bytes.length > 0) endedInAscii = bytes[bytes.length - 1]! < 0x80;
    const text = decoder.decode(bytes, { stream: true });
    if (text.length > 0 || bytes.length > 0) yield { text, bytes: bytes.length };
  }
  if (!decoder) {
    const bytes = pending ?? new Uint8Array(0);
    const detected = detectEncoding(bytes);
    onDetected(detected);
    decoder = new TextDecoder(detected.label, { fatal: false, ignoreBOM: false });
    yield { text: decoder.decode(bytes, { stream: true }), bytes: bytes.length };
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield { text: tail, bytes: 0 };
}

/** The scanner works best on text of a few tens of KiB at a time; bigger reads are cut (views, no copy). */
const PIECE_BYTES = 64 * 1024;

async function* pieces(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (chunk.length <= PIECE_BYTES) yield chunk;
    else for (let at = 0; at < chunk.length; at += PIECE_BYTES) yield chunk.subarray(at, at + PIECE_BYTES);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
