/**
 * A lease lock on a KeyValueStore item: whoever creates the item holds the lock until it deletes it or
 * the lease expires. Used where a service offers no compare-and-swap of its own that every environment
 * honours (Glue's VersionId check is not emulated by moto), the same way Iceberg's Java GlueCatalog uses
 * a DynamoDB lock manager.
 *
 * The holder renews its lease every third of it while `work` runs, so a slow holder is never taken over
 * while alive, and a holder that died (its process gone, no more renewals) is taken over within one lease.
 */
import { randomUUID } from 'node:crypto';
import { PreconditionFailedError } from '../ports/errors.ts';
import type { ItemKey, KeyValueStore } from '../ports/key-value.ts';

export interface LeaseLockOptions {
  /** How long the lock lives without a renewal before others may take it over (default 30 s). */
  leaseMs?: number;
  /** Give up acquiring after this long (default 60 s). */
  timeoutMs?: number;
  now?: () => number;
}

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/** Runs `work` while holding the lock at `key`. */
export async function withLeaseLock<T>(
  store: KeyValueStore,
  key: ItemKey,
  work: () => Promise<T>,
  options: LeaseLockOptions = {},
): Promise<T> {
  const leaseMs = options.leaseMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const now = options.now ?? Date.now;
  const owner = randomUUID();
  const deadline = now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await store.put({ ...key, owner, expiresAt: now() + leaseMs }, { kind: 'absent' });
      break;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      const holder = await store.get(key);
      if (holder && typeof holder.expiresAt === 'number' && holder.expiresAt < now()) {
        // An expired lease: remove exactly that holder's item (another waiter may be doing the same).
        await store
          .delete(key, { kind: 'attributeEquals', name: 'owner', value: holder.owner as string })
          .catch((e: unknown) => {
            if (!(e instanceof PreconditionFailedError)) throw e;
          });
        continue;
      }
      if (now() > deadline)
        throw new LockTimeoutError(`could not acquire lock ${key.pk}/${key.sk} within ${timeoutMs} ms`);
      await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
    }
  }
  // Renewals are conditional on our owner id: one that finds another owner means we were taken over
  // (a pause longer than the lease); it stops renewing, and the final delete leaves the successor alone.
  let renewing: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(
    () => {
      renewing = renewing.then(() =>
        store
          .update(
            key,
            { set: { expiresAt: now() + leaseMs } },
            { kind: 'attributeEquals', name: 'owner', value: owner },
          )
          .then(
            () => undefined,
            (e: unknown) => {
              if (e instanceof PreconditionFailedError) clearInterval(heartbeat);
            },
          ),
      );
    },
    Math.max(5, leaseMs / 3),
  );
  // Never keeps a process alive by itself. (`unref` exists on Node's timers.)
  (heartbeat as { unref?: () => void }).unref?.();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    await renewing;
    await store.delete(key, { kind: 'attributeEquals', name: 'owner', value: owner }).catch((e: unknown) => {
      if (!(e instanceof PreconditionFailedError)) throw e; // our lease expired and someone took over
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
