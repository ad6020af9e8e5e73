/**
 * Entity references in element text. Only XML's five predefined entities and character references are
 * resolved; anything else (`&lol9;`, `&xxe;`) is refused rather than looked up, so DTD tricks such as
 * billion laughs or external entities have nothing to expand.
 */
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export type EntityResult = { ok: true; text: string } | { ok: false; entity: string };

export function resolveEntities(text: string): EntityResult {
  if (!text.includes('&')) return { ok: true, text };
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp);
    const name = semi > amp ? text.slice(amp + 1, semi) : '';
    const resolved = resolveOne(name);
    if (resolved === undefined)
      return { ok: false, entity: semi > amp ? `&${name};` : text.slice(amp, amp + 12) };
    out += text.slice(from, amp) + resolved;
    from = semi + 1;
  }
  return { ok: true, text: out + text.slice(from) };
}

function resolveOne(name: string): string | undefined {
  const predefined = PREDEFINED[name];
  if (predefined !== undefined) return predefined;
  const code = /^#x[0-9a-fA-F]{1,6}$/.test(name)
    ? parseInt(name.slice(2), 16)
    : /^#[0-9]{1,7}$/.test(name)
      ? parseInt(name.slice(1), 10)
      : undefined;
  if (code === undefined || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0)
    return undefined;
  return String.fromCodePoint(code);
}
