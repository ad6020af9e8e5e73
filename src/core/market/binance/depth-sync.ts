/**
 * Keeps an `OrderBook` in step with Binance's diff-depth stream, following Binance's documented procedure
 * ("How to manage a local order book correctly"), which differs between the two venues:
 *
 *   spot (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams):
 *     drop buffered updates with `u <= lastUpdateId`; the first applied must have `U <= lastUpdateId + 1`;
 *     from then on every update's `U` must be the previous `u + 1`.
 *   USD-M futures (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly):
 *     drop buffered updates with `u < lastUpdateId`; the first applied must have `U <= lastUpdateId`
 *     (and `u >= lastUpdateId`); from then on every update's `pu` must equal the previous `u`. Futures
 *     update ids skip between events, so the spot rule would call every futures update a gap.
 *
 * Both: buffer the stream while no snapshot has arrived; load a REST snapshot (`lastUpdateId`) and replay
 * the buffer through the rules. Which rule an update follows is read from the update itself: only futures
 * updates carry `pu`.
 *
 * Any break in the chain is a sequence gap: the book can no longer be trusted, so it is cleared and marked
 * out of sync, updates are buffered again, and the next snapshot resynchronises it. Gaps, resyncs and the
 * time spent in and out of sync are counted and the first few gaps described; nothing throws.
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

/** Which continuity rule an update follows: spot `U == u + 1`, USD-M futures `pu == u`. */
export type ChainRule = 'spot' | 'usd-m';

export interface SequenceGap {
  readonly phase: GapPhase;
  readonly rule: ChainRule;
  /** Capture line of the update that broke the chain. */
  readonly line: number;
  readonly localMs: number;
  /**
   * Spot: the `U` the chain needed (for 'bridge': at most this). USD-M: the `pu` it needed (the previous
   * `u`; for 'bridge': the snapshot's `lastUpdateId`, which `U` had to be at most).
   */
  readonly expectedFirstUpdateId?: number;
  readonly expectedPreviousFinalUpdateId?: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  /** The update's `pu` (USD-M only). */
  readonly previousFinalUpdateId?: number;
}

export interface DepthSyncStats {
  /** Depth updates handed to the book (applied, stale, or never applied). */
  updatesReceived: number;
  /** Updates that followed each rule (a capture has one venue, so one of the two is 0). */
  updatesByRule: Record<ChainRule, number>;
  snapshotsReceived: number;
  /** Snapshots loaded into the book (the first, and any after a gap or newer than the book). */
  synchronisations: number;
  /** Snapshots loaded after the book had lost sync through a gap. */
  resyncs: number;
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
  /**
   * Time the book was in sync, and out of sync from the first depth message on (before the first snapshot,
   * and from each gap to the next snapshot or the end). Final once `finish` has been called.
   */
  inSyncMs: number;
  outOfSyncMs: number;
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
    updatesReceived: 0,
    updatesByRule: { spot: 0, 'usd-m': 0 },
    snapshotsReceived: 0,
    synchronisations: 0,
    resyncs: 0,
    snapshotsIgnored: 0,
    staleDropped: 0,
    appliedUpdates: 0,
    appliedLevelChanges: 0,
    removalsOfAbsentLevels: 0,
    gaps: 0,
    gapExamples: [],
    bufferOverflowDropped: 0,
    buffered: 0,
    inSyncMs: 0,
    outOfSyncMs: 0,
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
  /** Since when the book has been in (or out of) sync; NaN before the first depth message. */
  private stateSinceMs = NaN;
  private lostSync = false;

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
    this.clockStarts(atMs);
    if (this.synced && snapshot.lastUpdateId <= this.updateId) {
      this.stats.snapshotsIgnored++;
      return;
    }
    if (!this.synced) this.switchState(atMs);
    if (this.lostSync) this.stats.resyncs++;
    this.lostSync = false;
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
    // Replaying applies the stale-drop, bridge and chain rules, and re-buffers whatever follows a break.
    for (const update of waiting) this.take(update, atMs);
  }

  /** `atMs`: when the update became known (its receive time). */
  onUpdate(update: DepthUpdateMessage, atMs: number): void {
    this.stats.updatesReceived++;
    this.stats.updatesByRule[ruleOf(update)]++;
    this.clockStarts(atMs);
    this.take(update, atMs);
  }

  /**
   * The end of the capture: closes the in/out-of-sync time at `endMs` (the last message's receive time).
   * Calling it again moves the end.
   */
  finish(endMs: number): void {
    if (this.stateSinceMs !== this.stateSinceMs || endMs < this.stateSinceMs) return;
    this.switchState(endMs);
  }

  private take(update: DepthUpdateMessage, atMs: number): void {
    if (!this.synced) {
      this.hold(update);
      return;
    }
    const futures = update.previousFinalUpdateId !== undefined;
    const id = this.updateId;
    // Contained in the book already: spot `u <= lastUpdateId`; futures `u < lastUpdateId` (an event ending
    // exactly at the snapshot is the futures bridge, re-setting the absolute quantities it already has).
    if (futures ? update.finalUpdateId < id : update.finalUpdateId <= id) {
      this.stats.staleDropped++;
      return;
    }
    let joins: boolean;
    if (futures) {
      const pu = update.previousFinalUpdateId!;
      joins = this.bridged ? pu === id : update.firstUpdateId <= id || pu === id;
    } else {
      joins = this.bridged ? update.firstUpdateId === id + 1 : update.firstUpdateId <= id + 1;
    }
    if (!joins) {
      this.recordGap(this.bridged ? 'live' : 'bridge', update, futures ? id : id + 1);
      this.loseSync(atMs);
      this.hold(update);
      return;
    }
    this.apply(update, atMs);
  }

  private clockStarts(atMs: number): void {
    if (this.stateSinceMs !== this.stateSinceMs) this.stateSinceMs = atMs;
  }

  /** Books the time since the last switch to the state the book was in, and starts the next span. */
  private switchState(atMs: number): void {
    const span = atMs > this.stateSinceMs ? atMs - this.stateSinceMs : 0;
    if (this.synced) this.stats.inSyncMs += span;
    else this.stats.outOfSyncMs += span;
    this.stateSinceMs = atMs > this.stateSinceMs ? atMs : this.stateSinceMs;
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
    if (previous && !follows(previous, update)) {
      this.recordGap(
        'buffering',
        update,
        update.previousFinalUpdateId === undefined ? previous.finalUpdateId + 1 : previous.finalUpdateId,
      );
      this.buffer = [];
    }
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.stats.bufferOverflowDropped++;
    }
    this.buffer.push(update);
    this.stats.buffered = this.buffer.length;
  }

  private loseSync(atMs: number): void {
    this.switchState(atMs);
    this.lostSync = true;
    this.synced = false;
    this.bridged = false;
    // An out-of-sync book is wrong in unknown places; empty is at least visibly empty.
    this.book.clear();
  }

  /** `expected`: the `U` the spot chain needed, or the `pu` the futures chain needed. */
  private recordGap(phase: GapPhase, update: DepthUpdateMessage, expected: number): void {
    this.stats.gaps++;
    if (this.stats.gapExamples.length >= this.maxGapExamples) return;
    const where = { phase, line: update.line, localMs: update.localMs };
    const ids = { firstUpdateId: update.firstUpdateId, finalUpdateId: update.finalUpdateId };
    const pu = update.previousFinalUpdateId;
    this.stats.gapExamples.push(
      pu === undefined
        ? { ...where, rule: 'spot', expectedFirstUpdateId: expected, ...ids }
        : {
            ...where,
            rule: 'usd-m',
            expectedPreviousFinalUpdateId: expected,
            ...ids,
            previousFinalUpdateId: pu,
          },
    );
  }
}

function ruleOf(update: DepthUpdateMessage): ChainRule {
  return update.previousFinalUpdateId === undefined ? 'spot' : 'usd-m';
}

/** Whether `next` continues `previous` by its venue's rule. */
function follows(previous: DepthUpdateMessage, next: DepthUpdateMessage): boolean {
  return next.previousFinalUpdateId === undefined
    ? next.firstUpdateId === previous.finalUpdateId + 1
    : next.previousFinalUpdateId === previous.finalUpdateId;
}
