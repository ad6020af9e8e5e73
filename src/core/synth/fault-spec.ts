/**
 * The `--faults` grammar and what the reader is expected to do with each fault.
 *
 *   SPEC     := ENTRY ("," ENTRY)*                        e.g. duplicates=0.01,reorder=0.005,truncate=1
 *   ENTRY    := ROWKIND "=" RATE | "truncate=" COUNT | "encoding=" ENCODING
 *   ROWKIND  := duplicates | reorder | bad-price | off-grid | outside-session | time-mismatch
 *   RATE     := a decimal in [0, 0.2]: the chance that a tick row gets this fault (at most one fault
 *               per row, faulted rows never adjacent; the rates together at most 0.5)
 *   COUNT    := how many tick files end mid-row, counted back from the last one written (truncate=1:
 *               the run's last tick file)
 *   ENCODING := utf-8 | utf-16le | utf-16be | euc-kr: re-encodes every KRX file of the run (UTF-16 with
 *               a BOM); the declaration then names the encoding, as .NET writes it
 *
 * Code files only ever get the encoding; row faults and truncation apply to tick files.
 */
import type { QuarantineReason } from '../xml/krx-rows.ts';

export const ROW_FAULT_KINDS = [
  'duplicates',
  'reorder',
  'bad-price',
  'off-grid',
  'outside-session',
  'time-mismatch',
] as const;
export type RowFaultKind = (typeof ROW_FAULT_KINDS)[number];
export type FaultKind = RowFaultKind | 'truncate' | 'encoding';

export const OUTPUT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'euc-kr'] as const;
export type OutputEncoding = (typeof OUTPUT_ENCODINGS)[number];

export interface FaultSpec {
  rates: Readonly<Record<RowFaultKind, number>>;
  truncate: number;
  encoding: OutputEncoding;
}

export const MAX_RATE = 0.2;
export const MAX_TOTAL_RATE = 0.5;

export const NO_FAULTS: FaultSpec = {
  rates: Object.fromEntries(ROW_FAULT_KINDS.map((kind) => [kind, 0])) as Record<RowFaultKind, number>,
  truncate: 0,
  encoding: 'utf-8',
};

/**
 * How the KRX reader (src/core/xml) must treat each fault: the quarantine reason(s) it gives, or where
 * it reports a fault it accepts. The manifest gives the single expected reason of every injected row.
 */
export const FAULT_OUTCOMES: Readonly<
  Record<
    FaultKind,
    { reasons: readonly QuarantineReason[]; accepted?: 'summary.reordered' | 'summary.encoding' }
  >
> = {
  duplicates: { reasons: ['duplicate_tick'] },
  reorder: { reasons: [], accepted: 'summary.reordered' },
  'bad-price': { reasons: ['non_positive_price', 'invalid_value'] },
  'off-grid': { reasons: ['off_tick_grid'] },
  'outside-session': { reasons: ['outside_session'] },
  'time-mismatch': { reasons: ['time_mismatch'] },
  truncate: { reasons: ['truncated'] },
  encoding: { reasons: [], accepted: 'summary.encoding' },
};

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

export function parseFaultSpec(text: string): FaultSpec {
  const rates = { ...NO_FAULTS.rates };
  let truncate = 0;
  let encoding: OutputEncoding = 'utf-8';
  const seen = new Set<string>();
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const match = /^([a-z0-9-]+)\s*=\s*(\S+)$/i.exec(entry);
    if (!match) throw new FaultSpecError(`fault "${entry}" is not KIND=VALUE`);
    const kind = match[1]!.toLowerCase();
    const value = match[2]!;
    if (seen.has(kind)) throw new FaultSpecError(`fault ${kind} is given twice`);
    seen.add(kind);
    if ((ROW_FAULT_KINDS as readonly string[]).includes(kind)) {
      const rate = /^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(value) ? Number(value) : NaN;
      if (!(rate >= 0 && rate <= MAX_RATE)) {
        throw new FaultSpecError(
          `${kind}=${value}: a rate is a decimal from 0 to ${MAX_RATE} (per tick row)`,
        );
      }
      rates[kind as RowFaultKind] = rate;
    } else if (kind === 'truncate') {
      if (!/^\d{1,4}$/.test(value))
        throw new FaultSpecError(`truncate=${value}: give how many tick files to cut (e.g. 1)`);
      truncate = Number(value);
    } else if (kind === 'encoding') {
      const name = value.toLowerCase();
      if (!(OUTPUT_ENCODINGS as readonly string[]).includes(name)) {
        throw new FaultSpecError(`encoding=${value}: one of ${OUTPUT_ENCODINGS.join(', ')}`);
      }
      encoding = name as OutputEncoding;
    } else {
      throw new FaultSpecError(
        `unknown fault "${kind}" (known: ${[...ROW_FAULT_KINDS, 'truncate', 'encoding'].join(', ')})`,
      );
    }
  }
  const total = ROW_FAULT_KINDS.reduce((sum, kind) => sum + rates[kind], 0);
  if (total > MAX_TOTAL_RATE)
    throw new FaultSpecError(`row fault rates add up to ${total}, above ${MAX_TOTAL_RATE}`);
  return { rates, truncate, encoding };
}

/** The spec in canonical form (only what is switched on), for manifests and summaries. */
export function formatFaultSpec(spec: FaultSpec): string {
  const parts = ROW_FAULT_KINDS.filter((kind) => spec.rates[kind] > 0).map(
    (kind) => `${kind}=${spec.rates[kind]}`,
  );
  if (spec.truncate > 0) parts.push(`truncate=${spec.truncate}`);
  if (spec.encoding !== 'utf-8') parts.push(`encoding=${spec.encoding}`);
  return parts.join(',');
}

export function hasFaults(spec: FaultSpec): boolean {
  return formatFaultSpec(spec) !== '';
}
