/**
 * A generation run: consecutive trading days of the synthetic market as the files KRX would deliver
 * (code and tick files per side), the ground-truth labels, and — when faults are asked for — the
 * faults manifest. Files come as lazy byte streams; writing them is the caller's job.
 *
 * Per day, in order: CODE_CALL, CODE_PUT, TICK_CALL, TICK_PUT (XML), then labels_{yyyymmdd}.csv. The
 * manifest comes last, once every fault has been injected.
 */
import type { OptionSide } from '../market/krx-code.ts';
import type { IsoDate } from '../market/kst.ts';
import { SIDE_SHARE } from './activity.ts';
import { FAULT_OUTCOMES, NO_FAULTS, formatFaultSpec, hasFaults } from './fault-spec.ts';
import type { FaultKind, FaultSpec, OutputEncoding } from './fault-spec.ts';
import { injectTickFaults } from './faults.ts';
import type { InjectedFault } from './faults.ts';
import { SyntheticMarket, tradingDaysFrom } from './generate-day.ts';
import type { SyntheticDay } from './generate-day.ts';
import {
  codeFileName,
  codeValues,
  codeXml,
  rowTagFor,
  tickFileName,
  tickValues,
  tickXml,
} from './krx-xml-writer.ts';
import { labelsCsv, labelsFileName } from './labels.ts';
import { Random } from '../math/random.ts';
import { declarationFor, encodeChunks } from './text-encoding.ts';

export interface GenerateRunOptions {
  seed: string;
  /** First day; a weekend or holiday start begins at the next trading day. */
  start: IsoDate;
  /** Trading days to generate. */
  days: number;
  ticksPerDay?: number;
  faults?: FaultSpec;
  monthsAhead?: number;
  startLevel?: number;
}

export interface SynthFile {
  name: string;
  kind: 'tick' | 'code' | 'labels' | 'manifest';
  date?: IsoDate;
  side?: OptionSide;
  /** The file's bytes, generated as they are consumed. Iterate once. */
  chunks(): Iterable<Uint8Array>;
  /** Row elements written so far (a truncated file's partial row included; labels: minutes). Final once `chunks` is exhausted. */
  readonly rows: number;
}

export interface FaultManifest {
  seed: string;
  spec: string;
  days: IsoDate[];
  /** How the reader must treat each fault kind: its quarantine reasons, or where it reports an accepted one. */
  outcomes: typeof FAULT_OUTCOMES;
  counts: Partial<Record<FaultKind, number>>;
  files: Record<string, { encoding: OutputEncoding; rows: number; truncated: boolean }>;
  faults: InjectedFault[];
}

export const MANIFEST_FILE_NAME = 'faults_manifest.json';

export class GenerationRun {
  readonly days: IsoDate[];
  private readonly options: GenerateRunOptions;
  private readonly spec: FaultSpec;
  private readonly market: SyntheticMarket;
  private readonly faults: InjectedFault[] = [];
  private readonly fileInfo: FaultManifest['files'] = {};

  constructor(options: GenerateRunOptions) {
    if (!Number.isInteger(options.days) || options.days < 1)
      throw new RangeError('days must be a positive integer');
    this.options = options;
    this.spec = options.faults ?? NO_FAULTS;
    this.days = tradingDaysFrom(options.start, options.days);
    this.market = new SyntheticMarket({
      seed: options.seed,
      ticksPerDay: options.ticksPerDay,
      monthsAhead: options.monthsAhead,
      startLevel: options.startLevel,
    });
  }

  get ticksPerDay(): number {
    return this.market.ticksPerDay;
  }

  *files(): Generator<SynthFile> {
    const tickFileCount = this.days.length * 2;
    let tickFileIndex = 0;
    for (const date of this.days) {
      const day = this.market.day(date);
      for (const side of ['CALL', 'PUT'] as const) yield this.codeFile(day, side);
      for (const side of ['CALL', 'PUT'] as const) {
        const truncate = tickFileIndex >= tickFileCount - this.spec.truncate;
        tickFileIndex++;
        yield this.tickFile(day, side, truncate);
      }
      const labels = day.labels();
      yield staticFile(labelsFileName(date), 'labels', labelsCsv(date, labels), labels.length, date);
    }
    if (hasFaults(this.spec)) yield this.manifestFile();
  }

  /** Every fault injected so far (complete once all files are consumed). */
  manifest(): FaultManifest {
    const counts: Partial<Record<FaultKind, number>> = {};
    for (const fault of this.faults) counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
    return {
      seed: this.options.seed,
      spec: formatFaultSpec(this.spec),
      days: this.days,
      outcomes: FAULT_OUTCOMES,
      counts,
      files: this.fileInfo,
      faults: this.faults,
    };
  }

  private codeFile(day: SyntheticDay, side: OptionSide): SynthFile {
    const name = codeFileName(day.contract.ymcode, day.date, side);
    const listing = day.listing(side);
    const encoding = this.spec.encoding;
    const rows = listing.map((option) => codeValues(day.contract.ymcode, option.code, option.strike));
    const note = () => this.noteFile(name, encoding, rows.length, false);
    return {
      name,
      kind: 'code',
      date: day.date,
      side,
      rows: rows.length,
      chunks: () =>
        withEnd(encodeChunks(codeXml(name, rows, { declaration: declarationFor(encoding) }), encoding), note),
    };
  }

  private tickFile(day: SyntheticDay, side: OptionSide, truncate: boolean): SynthFile {
    const name = tickFileName(day.contract.ymcode, day.date, side);
    const ymcode = day.contract.ymcode;
    const compact = day.date.replace(/-/g, '');
    const encoding = this.spec.encoding;
    const valuesOf = (tick: Parameters<typeof tickValues>[0]) => tickValues(tick, ymcode, compact, day.date);
    const truncateRng = Random.derive(this.options.seed, 'faults', name, 'truncate');
    const expectedRows = this.market.ticksPerDay * SIDE_SHARE[side];
    const file = {
      name,
      kind: 'tick' as const,
      date: day.date,
      side,
      rows: 0,
      chunks: () => {
        const counted = countRows(
          injectTickFaults(day.ticks(side), valuesOf, {
            fileName: name,
            rowTag: rowTagFor(name),
            session: day.session,
            spec: this.spec,
            rng: Random.derive(this.options.seed, 'faults', name),
            truncateAtRow: truncate
              ? Math.floor(expectedRows * (0.5 + 0.45 * truncateRng.float()))
              : undefined,
            record: (fault) => this.faults.push(fault),
          }),
          () => file.rows++,
        );
        const text = tickXml(name, counted, { declaration: declarationFor(encoding) });
        return withEnd(encodeChunks(text, encoding), () =>
          this.noteFile(name, encoding, file.rows, truncate),
        );
      },
    };
    return file;
  }

  private noteFile(name: string, encoding: OutputEncoding, rows: number, truncated: boolean): void {
    if (!hasFaults(this.spec)) return;
    this.fileInfo[name] = { encoding, rows, truncated: truncated && rows > 0 };
    if (encoding !== 'utf-8') {
      this.faults.push({
        file: name,
        row: null,
        kind: 'encoding',
        reason: null,
        accepted: 'summary.encoding',
        detail: `${encoding}${encoding.startsWith('utf-16') ? ' with BOM' : ''}; the declaration names it`,
      });
    }
  }

  private manifestFile(): SynthFile {
    return {
      name: MANIFEST_FILE_NAME,
      kind: 'manifest',
      rows: 0,
      chunks: () => [new TextEncoder().encode(`${JSON.stringify(this.manifest(), null, 2)}\n`)],
    };
  }
}

function staticFile(
  name: string,
  kind: SynthFile['kind'],
  text: string,
  rows: number,
  date?: IsoDate,
): SynthFile {
  return { name, kind, date, rows, chunks: () => [new TextEncoder().encode(text)] };
}

function* countRows<T>(rows: Iterable<T>, onRow: () => void): Generator<T> {
  for (const row of rows) {
    onRow();
    yield row;
  }
}

function* withEnd<T>(items: Iterable<T>, onEnd: () => void): Generator<T> {
  yield* items;
  onEnd();
}
