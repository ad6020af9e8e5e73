/**
 * The ingest ledger: which source object was ingested with which content. One item per object key
 * (pk `source#<key>`, sk `state`), claimed with a conditional write so that the same S3 event delivered
 * twice, or two workers racing on one key, ingest it once:
 *
 *   - same key and SHA-256 already done          → unchanged (nothing is written)
 *   - running elsewhere, holder alive             → busy (the caller waits for it, or fails to be retried)
 *   - otherwise (new, changed, failed, abandoned) → claimed by this worker
 *
 * A running claim is a short lease that its holder renews while it works (`LeaseHeartbeat`), so a
 * holder that died (kill -9, OOM, a Lambda timeout) stops renewing and its claim is taken over within
 * one lease, not after the longest an ingest may take. A holder that records its host and process id is
 * known dead at once to a worker on the same host when that process no longer exists. Every claim
 * bumps `generation` (a fencing token): the holder renews, and finishes, only while the item still
 * carries its owner id, and checks that right before each lake commit, so a holder that was taken over
 * stops instead of overwriting its successor's work.
 */
import { PreconditionFailedError } from '../core/ports/errors.ts';
import type { Item, KeyValueStore } from '../core/ports/key-value.ts';

export type ClaimOutcome =
  | { claimed: true; previous?: Item; generation: number }
  | { claimed: false; reason: 'unchanged' | 'busy'; state: Item };

/** Where a claim's holder runs, so a worker on the same host can tell a dead holder at once. */
export interface LeaseHolder {
  host: string;
  pid: number;
}

export interface ClaimRequest {
  key: string;
  sha256: string;
  owner: string;
  nowMs: number;
  leaseMs: number;
  holder?: LeaseHolder;
  /**
   * Whether a holder that recorded `holder` still runs; `false` only when it certainly does not (same
   * host, no such process). Without it only an expired lease is taken over.
   */
  holderAlive?: (holder: LeaseHolder) => boolean;
}

export function ledgerKey(key: string) {
  return { pk: `source#${key}`, sk: 'state' };
}

/** Why a running claim may be taken over, or undefined while its holder is alive. */
export function abandonedBecause(
  state: Item,
  nowMs: number,
  holderAlive?: (holder: LeaseHolder) => boolean,
): string | undefined {
  if (state.status !== 'running') return undefined;
  if (typeof state.leaseUntil !== 'number' || state.leaseUntil <= nowMs)
    return 'its holder stopped renewing the lease';
  const holder = holderOf(state);
  if (holder && holderAlive && !holderAlive(holder))
    return `its holder (process ${holder.pid} on ${holder.host}) is gone`;
  return undefined;
}

export function holderOf(state: Item): LeaseHolder | undefined {
  return typeof state.holderHost === 'string' && typeof state.holderPid === 'number'
    ? { host: state.holderHost, pid: state.holderPid }
    : undefined;
}

export async function claimSource(ledger: KeyValueStore, request: ClaimRequest): Promise<ClaimOutcome> {
  const id = ledgerKey(request.key);
  for (;;) {
    const current = await ledger.get(id);
    if (current?.sha256 === request.sha256 && current.status === 'done') {
      return { claimed: false, reason: 'unchanged', state: current };
    }
    if (current?.status === 'running' && !abandonedBecause(current, request.nowMs, request.holderAlive)) {
      return { claimed: false, reason: 'busy', state: current };
    }
    const generation = (typeof current?.generation === 'number' ? current.generation : 0) + 1;
    const running = {
      sha256: request.sha256,
      status: 'running',
      owner: request.owner,
      generation,
      startedAt: request.nowMs,
      leaseUntil: request.nowMs + request.leaseMs,
      ...(request.holder ? { holderHost: request.holder.host, holderPid: request.holder.pid } : {}),
    };
    try {
      if (!current) {
        await ledger.put({ ...id, ...running, key: request.key }, { kind: 'absent' });
      } else {
        // Take over from exactly the state we looked at; if anyone else moved first, look again.
        await ledger.update(
          id,
          { set: running, remove: request.holder ? undefined : ['holderHost', 'holderPid'] },
          { kind: 'attributeEquals', name: 'owner', value: current.owner as string },
        );
      }
      return { claimed: true, previous: current, generation };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
}

/** The claim was taken over by another worker (this one was presumed dead): stop, commit nothing more. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Keeps a claim alive while its holder works: renews the lease every third of it, and `assertHeld`
 * renews at once and throws `LeaseLostError` when another worker owns the claim now.
 */
export class LeaseHeartbeat {
  private readonly ledger: KeyValueStore;
  private readonly key: string;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();
  private lost: LeaseLostError | undefined;

  constructor(ledger: KeyValueStore, key: string, owner: string, leaseMs: number, now: () => number) {
    this.ledger = ledger;
    this.key = key;
    this.owner = owner;
    this.leaseMs = leaseMs;
    this.now = now;
    this.timer = setInterval(() => void this.renew().catch(() => {}), Math.max(10, leaseMs / 3));
    this.timer.unref(); // a heartbeat alone must not keep a finished process alive
  }

  /** Renews now; throws `LeaseLostError` when the claim is no longer this holder's. */
  async assertHeld(): Promise<void> {
    await this.renew();
    if (this.lost) throw this.lost;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private renew(): Promise<void> {
    // One renewal at a time: a slow store must not pile up writes.
    this.renewing = this.renewing.then(async () => {
      if (this.lost) return;
      try {
        await this.ledger.update(
          ledgerKey(this.key),
          { set: { leaseUntil: this.now() + this.leaseMs } },
          { kind: 'attributeEquals', name: 'owner', value: this.owner },
        );
      } catch (error) {
        if (!(error instanceof PreconditionFailedError)) return; // a transient store error: next beat
        this.lost = new LeaseLostError(
          `the claim on ${this.key} was taken over by another worker; this ingest stopped`,
        );
      }
    });
    return this.renewing;
  }
}

export async function finishSource(
  ledger: KeyValueStore,
  key: string,
  owner: string,
  outcome: { status: 'done' | 'failed'; nowMs: number; details: Record<string, string | number> },
): Promise<void> {
  await ledger.update(
    ledgerKey(key),
    {
      set: { status: outcome.status, finishedAt: outcome.nowMs, ...outcome.details },
      remove: ['leaseUntil'],
    },
    { kind: 'attributeEquals', name: 'owner', value: owner },
  );
}
