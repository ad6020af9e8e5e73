/**
 * Turns the writer's text chunks into file bytes in the encodings Korean exports come in. Node's
 * TextEncoder only speaks UTF-8, so UTF-16 is laid out by hand; EUC-KR equals ASCII for the characters
 * KRX files contain, and anything beyond ASCII is refused rather than silently mis-encoded.
 */
import type { OutputEncoding } from './fault-spec.ts';

/** The XML declaration for a re-encoded file (the original exports declare none, meaning UTF-8). */
export function declarationFor(encoding: OutputEncoding): string | undefined {
  switch (encoding) {
    case 'utf-8':
      return undefined;
    case 'utf-16le':
      return '<?xml version="1.0" encoding="utf-16" standalone="yes"?>';
    case 'utf-16be':
      return '<?xml version="1.0" encoding="utf-16BE" standalone="yes"?>';
    case 'euc-kr':
      return '<?xml version="1.0" encoding="euc-kr" standalone="yes"?>';
  }
}

export function* encodeChunks(chunks: Iterable<string>, encoding: OutputEncoding): Generator<Uint8Array> {
  const utf8 = new TextEncoder();
  let first = true;
  for (const chunk of chunks) {
    switch (encoding) {
      case 'utf-8':
        yield utf8.encode(chunk);
        break;
      case 'euc-kr':
        yield ascii(chunk);
        break;
      case 'utf-16le':
      case 'utf-16be':
        yield utf16(chunk, encoding === 'utf-16le', first);
        break;
    }
    first = false;
  }
}

function utf16(text: string, littleEndian: boolean, withBom: boolean): Uint8Array {
  const offset = withBom ? 2 : 0;
  const bytes = new Uint8Array(offset + text.length * 2);
  const view = new DataView(bytes.buffer);
  if (withBom) view.setUint16(0, 0xfeff, littleEndian);
  // JavaScript strings are UTF-16 code units already, surrogate pairs included.
  for (let i = 0; i < text.length; i++) view.setUint16(offset + 2 * i, text.charCodeAt(i), littleEndian);
  return bytes;
}

function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f)
      throw new RangeError(`only ASCII text can be written as EUC-KR here (found U+${code.toString(16)})`);
    bytes[i] = code;
  }
  return bytes;
}
