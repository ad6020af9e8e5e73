/**
 * HTML escaping for everything a report interpolates: strategy names, parameters, regimes and
 * instruments come from configs and data files, so they are untrusted. One function serves text and
 * double- or single-quoted attribute values alike (the five characters that can end either context).
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => ENTITIES[character]!);
}
