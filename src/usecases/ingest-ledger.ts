/**
 * The ingest ledger: which source object was ingested with which content. One item per object key
 * (pk `source#<key>`, sk `state`), claimed with a conditional write so that the same S3 event delivered
 * twice, or two workers racing on one key, ingest it once:
 *
 *   - same key and SHA-256 already done      → unchanged (nothing is written)
 *   - running elsewhere, lease not expired   → busy (the other worker finishes it)
 *   - otherwise (new, changed, failed, stale) → claimed by this worker
 */
import { PreconditionFailedError } from '../core/ports/errors.ts';
import type { Item, KeyValueStore } from '../core/ports/key-value.ts';

export type ClaimOutcome =
  { claimed: true; previous?: Item } | { claimed: false; reason: 'unchanged' | 'busy'; state: Item };

export interface ClaimRequest {
  key: string;
  sha256: string;
  owner: string;
  nowMs: number;
  leaseMs: number;
}

export function ledgerKey(key: string) {
  return { pk: `source#${key}`, sk: 'state' };
}

export async function claimSource(ledger: KeyValueStore, request: ClaimRequest): Promise<ClaimOutcome> {
  const id = ledgerKey(request.key);
  const running = {
    sha256: request.sha256,
    status: 'running',
    owner: request.owner,
    startedAt: request.nowMs,
    leaseUntil: request.nowMs + request.leaseMs,
  };
  for (;;) {
    const current = await ledger.get(id);
    if (current?.sha256 === request.sha256 && current.status === 'done') {
      return { claimed: false, reason: 'unchanged', state: current };
    }
    if (current?.status === 'running' && (current.leaseUntil as number) > request.nowMs) {
      return { claimed: false, reason: 'busy', state: current };
    }
    try {
      if (!current) {
        await ledger.put({ ...id, ...running, key: request.key }, { kind: 'absent' });
      } else {
        // Take over from exactly the state we looked at; if anyone else moved first, look again.
        await ledger.update(
          id,
          { set: running },
          { kind: 'attributeEquals', name: 'owner', value: current.owner as string },
        );
      }
      return { claimed: true, previous: current };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
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
