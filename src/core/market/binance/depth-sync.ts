/**
 * Keeps an `OrderBook` in step with Binance's diff-depth stream, following Binance's documented procedure
 * ("How to manage a local order book correctly", spot websocket streams):
 *
 *   1. Buffer the stream's updates while no snapshot has arrived.
 *   2. On a REST snapshot (`lastUpdateId`), load it, then drop buffered updates with `u <= lastUpdateId`:
 *      the snapshot already contains them ("stale").
 *   3. The first update applied must bridge the snapshot: `U <= lastUpdateId + 1 <= u`.
 *   4. From then on every update's `U` must be the previous `u + 1`.
 *
 * Any break in that chain is a sequence gap: the book can no longer be trusted, so it is cleared and marked
 * out of sync, updates are buffered again, and the next snapshot resynchronises it. Gaps are counted and
 * the first few described; nothing throws.
 */
import type { DepthSnapshotMessage, DepthUpdateMessage } from './messages.ts';
import { OrderBook } from './order-book.ts';
import type { SetLevelOutcome } from './order-book.ts';

/** Where the chain broke. */
export type GapPhase =
  /** Two consecutive updates while waiting for a snapshot do not join up. */
  | 'buffering'
  /** The first update after a snapshot starts after `lastUpdateId + 1`: the snapshot is too old. */
  | 'bridge'
  /** A live update does not start at the previous `u + 1`. */
  | 'live';

export interface SequenceGap {
  readonly phase: GapPhase;
  /** Capture line of the update that broke the chain. */
  readonly line: number;
  readonly localMs: number;
  /** The `U` the chain needed (for 'bridge': at most this). */
  readonly expectedFirstUpdateId: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
}

export interface DepthSyncStats {
  snapshotsReceived: number;
  /** Snapshots loaded into the book (the first, and any after a gap or newer than the book). */
  synchronisations: number;
  /** Snapshots not newer than a book already in sync, left unused. */
  snapshotsIgnored: number;
  /** Updates already contained in the book when they reached it (`u <= ` the book's update id). */
  staleDropped: number;
  appliedUpdates: number;
  appliedLevelChanges: number;
  /** Removals of a level the book did not have: normal on Binance, counted for information. */
  removalsOfAbsentLevels: number;
  gaps: number;
  /** The first few gaps. */
  gapExamples: SequenceGap[];
  /** Updates dropped because the wait for a snapshot outgrew `maxBuffered`. */
  bufferOverflowDropped: number;
  /** Updates still buffered, never applied, at the end. */
  buffered: number;
}

/** Told about every change the synchronised book takes, in order, with the time it took effect. */
export interface DepthSyncListener {
  snapshotLoaded?(snapshot: DepthSnapshotMessage, atMs: number): void;
  updateApplied?(update: DepthUpdateMessage, atMs: number): void;
}

export interface DepthSyncOptions {
  /** Most updates held while waiting for a snapshot; older ones are dropped first (default 10,000). */
  maxBuffered?: number;
  /** Gaps described in `stats.gapExamples` (default 10). */
  maxGapExamples?: number;
  listener?: DepthSyncListener;
}

export class DepthBookSync {
  readonly book = new OrderBook();
  readonly stats: DepthSyncStats = {
    snapshotsReceived: 0,
    synchronisations: 0,
    snapshotsIgnored: 0,
    staleDropped: 0,
    appliedUpdates: 0,
    appliedLevelChanges: 0,
    removalsOfAbsentLevels: 0,
    gaps: 0,
    gapExamples: [],
    bufferOverflowDropped: 0,
    buffered: 0,
  };
  private readonly maxBuffered: number;
  private readonly maxGapExamples: number;
  private readonly listener: DepthSyncListener;
  private synced = false;
  /** Whether an update has joined the chain since the last snapshot was loaded. */
  private bridged = false;
  /** The book's update id: the snapshot's lastUpdateId, then the `u` of each applied update. */
  private updateId = 0;
  private buffer: DepthUpdateMessage[] = [];

  constructor(options: DepthSyncOptions = {}) {
    this.maxBuffered = Math.max(1, options.maxBuffered ?? 10_000);
    this.maxGapExamples = options.maxGapExamples ?? 10;
    this.listener = options.listener ?? {};
  }

  /** True while the book is a faithful copy of the exchange's (as of `lastUpdateId`). */
  get inSync(): boolean {
    return this.synced;
  }

  /** The order book update id the book reflects (meaningful only in sync). */
  get lastUpdateId(): number {
    return this.updateId;
  }

  /** `atMs`: when the snapshot became known (its receive time); buffered updates take effect then too. */
  onSnapshot(snapshot: DepthSnapshotMessage, atMs: number): void {
    this.stats.snapshotsReceived++;
    if (this.synced && snapshot.lastUpdateId <= this.updateId) {
      this.stats.snapshotsIgnored++;
      return;
    }
    this.book.clear();
    for (const level of snapshot.bids) this.book.bids.set(level.price, level.qty);
    for (const level of snapshot.asks) this.book.asks.set(level.price, level.qty);
    this.synced = true;
    this.bridged = false;
    this.updateId = snapshot.lastUpdateId;
    this.stats.synchronisations++;
    this.listener.snapshotLoaded?.(snapshot, atMs);

    const waiting = this.buffer;
    this.buffer = [];
    this.stats.buffered = 0;
    // Replaying through `onUpdate` applies the stale-drop, bridge and chain rules, and re-buffers whatever
    // follows a break.
    for (const update of waiting) this.onUpdate(update, atMs);
  }

  /** `atMs`: when the update became known (its receive time). */
  onUpdate(update: DepthUpdateMessage, atMs: number): void {
    if (!this.synced) {
      this.hold(update);
      return;
    }
    if (update.finalUpdateId <= this.updateId) {
      this.stats.staleDropped++;
      return;
    }
    const expected = this.updateId + 1;
    const joins = this.bridged ? update.firstUpdateId === expected : update.firstUpdateId <= expected;
    if (!joins) {
      this.recordGap(this.bridged ? 'live' : 'bridge', update, expected);
      this.loseSync();
      this.hold(update);
      return;
    }
    this.apply(update, atMs);
  }

  private apply(update: DepthUpdateMessage, atMs: number): void {
    for (const level of update.bids) this.setLevel(this.book.bids.set(level.price, level.qty));
    for (const level of update.asks) this.setLevel(this.book.asks.set(level.price, level.qty));
    this.updateId = update.finalUpdateId;
    this.bridged = true;
    this.stats.appliedUpdates++;
    this.stats.appliedLevelChanges += update.bids.length + update.asks.length;
    this.listener.updateApplied?.(update, atMs);
  }

  private setLevel(outcome: SetLevelOutcome): void {
    if (outcome === 'absent') this.stats.removalsOfAbsentLevels++;
  }

  /** Waits for a snapshot. Only an unbroken run of updates can follow one, so a break discards the run. */
  private hold(update: DepthUpdateMessage): void {
    const previous = this.buffer[this.buffer.length - 1];
    if (previous && update.firstUpdateId !== previous.finalUpdateId + 1) {
      this.recordGap('buffering', update, previous.finalUpdateId + 1);
      this.buffer = [];
    }
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.stats.bufferOverflowDropped++;
    }
    this.buffer.push(update);
    this.stats.buffered = this.buffer.length;
  }

  private loseSync(): void {
    this.synced = false;
    this.bridged = false;
    // An out-of-sync book is wrong in unknown places; empty is at least visibly empty.
    this.book.clear();
  }

  private recordGap(phase: GapPhase, update: DepthUpdateMessage, expectedFirstUpdateId: number): void {
    this.stats.gaps++;
    if (this.stats.gapExamples.length < this.maxGapExamples)
      this.stats.gapExamples.push({
        phase,
        line: update.line,
        localMs: update.localMs,
        expectedFirstUpdateId,
        firstUpdateId: update.firstUpdateId,
        finalUpdateId: update.finalUpdateId,
      });
  }
}
