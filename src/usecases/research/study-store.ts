/**
 * A tuning study's state in the key-value store (DynamoDB in AWS, SQLite locally): one partition per
 * study, a `meta` item (the spec, the pinned data, the walk-forward plan, which execution owns it, status)
 * and one `trial#NNNNNN` item per trial (parameters, state, value, per-window results, timestamps).
 *
 * Every write is conditional, so the store stays right when steps are retried or run twice:
 * - creating a study that exists resumes it if the spec is the same and refuses if it differs;
 * - a trial number is reserved once (create-if-absent);
 * - telling a trial its result twice is harmless when the result is the same, and an error when it is not.
 */
import { createHash } from 'node:crypto';
import type { WalkForwardPlan } from '../../core/research/walk-forward.ts';
import type { StudySpec } from '../../core/research/study-spec.ts';
import type { Item, KeyValueStore, KvValue } from '../../core/ports/key-value.ts';
import { PreconditionFailedError } from '../../core/ports/errors.ts';
import { queryAll } from '../../core/ports/key-value.ts';
import type { Params, TrialRecord } from '../../core/tune/index.ts';

export type StudyStatus = 'running' | 'finished';

export interface StudyMeta {
  studyId: string;
  spec: StudySpec;
  specHash: string;
  /** The data every trial reads: the silver_ticks snapshot id, or the files' SHA-256 digest. */
  dataVersion: string;
  /** Distinct KST trading days in the data, sorted. */
  tradingDays: string[];
  plan: WalkForwardPlan;
  /** Events per trial (all folds), for choosing Lambda or Batch. */
  eventsPerTrial: number;
  /** The execution that runs the study now (a new one takes over an interrupted study). */
  owner: string;
  status: StudyStatus;
  createdAt: string;
  updatedAt: string;
  /** Set by the final step. */
  summary?: Record<string, KvValue>;
}

/** A validation window's measurement, as stored. */
export interface StoredWindow {
  from: string;
  to: string;
  pnl: number;
  maxDrawdown: number;
  fills: number;
}

export interface StoredTrial extends TrialRecord {
  owner: string;
  suggestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Times a runner started this trial (a retried Lambda starts it again). */
  attempts: number;
  windows?: StoredWindow[];
  error?: string;
  seconds?: number;
}

export class StudyConflictError extends Error {
  override readonly name = 'StudyConflictError';
}

const META = 'meta';
const pk = (studyId: string) => `study#${studyId}`;
const trialSk = (n: number) => `trial#${String(n).padStart(6, '0')}`;

export function specHash(spec: StudySpec): string {
  return createHash('sha256').update(stableJson(spec)).digest('hex').slice(0, 16);
}

export class StudyStore {
  private readonly kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.kv = kv;
  }

  /**
   * Creates the study, or takes over an existing one with the same spec (a resumed study): the new owner
   * is recorded and returned with `resumed: true`. A study with the same id and another spec is refused.
   */
  async createOrResume(
    meta: Omit<StudyMeta, 'createdAt' | 'updatedAt' | 'status'>,
    now: string,
  ): Promise<{ meta: StudyMeta; resumed: boolean }> {
    const fresh: StudyMeta = { ...meta, status: 'running', createdAt: now, updatedAt: now };
    try {
      await this.kv.put({ pk: pk(meta.studyId), sk: META, ...toItem(fresh) }, { kind: 'absent' });
      return { meta: fresh, resumed: false };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
    const existing = await this.meta(meta.studyId);
    if (existing.specHash !== meta.specHash) {
      throw new StudyConflictError(
        `study ${meta.studyId} exists with another spec (hash ${existing.specHash}, this one ${meta.specHash}): ` +
          'give the new spec another studyId',
      );
    }
    const item = await this.kv.update(
      { pk: pk(meta.studyId), sk: META },
      { set: { owner: meta.owner, updatedAt: now } },
      { kind: 'exists' },
    );
    return { meta: fromItem<StudyMeta>(item), resumed: true };
  }

  async meta(studyId: string): Promise<StudyMeta> {
    const item = await this.kv.get({ pk: pk(studyId), sk: META });
    if (!item) throw new Error(`no study ${studyId}`);
    return fromItem<StudyMeta>(item);
  }

  async trials(studyId: string): Promise<StoredTrial[]> {
    const trials: StoredTrial[] = [];
    for await (const item of queryAll(this.kv, pk(studyId), { skPrefix: 'trial#' }))
      trials.push(fromItem(item));
    return trials;
  }

  async trial(studyId: string, number: number): Promise<StoredTrial> {
    const item = await this.kv.get({ pk: pk(studyId), sk: trialSk(number) });
    if (!item) throw new Error(`study ${studyId} has no trial ${number}`);
    return fromItem<StoredTrial>(item);
  }

  /** Reserves a trial number with its parameters (state running). Throws if the number is taken. */
  async reserve(
    studyId: string,
    number: number,
    params: Params,
    owner: string,
    now: string,
  ): Promise<StoredTrial> {
    const trial: StoredTrial = { number, params, state: 'running', owner, suggestedAt: now, attempts: 0 };
    await this.kv.put({ pk: pk(studyId), sk: trialSk(number), ...toItem(trial) }, { kind: 'absent' });
    return trial;
  }

  /** A runner starts the trial: counts the attempt. */
  async start(studyId: string, number: number, now: string): Promise<StoredTrial> {
    const item = await this.kv.update(
      { pk: pk(studyId), sk: trialSk(number) },
      { set: { startedAt: now }, add: { attempts: 1 } },
      { kind: 'exists' },
    );
    return fromItem<StoredTrial>(item);
  }

  /**
   * Records a trial's outcome. Idempotent: a second identical tell is a no-op; a tell that contradicts a
   * recorded outcome throws (a complete trial is never overwritten).
   */
  async tell(
    studyId: string,
    number: number,
    outcome: Pick<StoredTrial, 'state' | 'value' | 'windows' | 'error' | 'seconds'>,
    now: string,
  ): Promise<StoredTrial> {
    const set: Record<string, KvValue> = { state: outcome.state, finishedAt: now };
    if (outcome.value !== undefined) set.value = outcome.value;
    if (outcome.windows !== undefined) set.windows = outcome.windows as unknown as KvValue;
    if (outcome.error !== undefined) set.error = outcome.error;
    if (outcome.seconds !== undefined) set.seconds = outcome.seconds;
    try {
      const item = await this.kv.update(
        { pk: pk(studyId), sk: trialSk(number) },
        { set },
        { kind: 'attributeEquals', name: 'state', value: 'running' },
      );
      return fromItem<StoredTrial>(item);
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const current = await this.trial(studyId, number);
      if (current.state === outcome.state && current.value === outcome.value) return current;
      throw new StudyConflictError(
        `trial ${number} of ${studyId} is already ${current.state}` +
          (current.value !== undefined ? ` with value ${current.value}` : '') +
          `; refusing to record ${outcome.state}${outcome.value !== undefined ? ` ${outcome.value}` : ''}`,
      );
    }
  }

  async finish(studyId: string, summary: Record<string, KvValue>, now: string): Promise<void> {
    await this.kv.update(
      { pk: pk(studyId), sk: META },
      { set: { status: 'finished', summary, updatedAt: now } },
      { kind: 'exists' },
    );
  }
}

/** JSON with object keys sorted, so equal specs hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Stored items carry nested objects as they are; undefined fields are dropped (DynamoDB has no undefined). */
function toItem(value: object): Record<string, KvValue> {
  return JSON.parse(JSON.stringify(value)) as Record<string, KvValue>;
}

function fromItem<T>(item: Item): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
