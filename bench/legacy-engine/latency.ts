/**
 * Latency models: feed latency (an event becomes visible to the strategy that long after its timestamp)
 * and order latency (an order, cancel or market order reaches the exchange that long after it is sent).
 * Either is a constant or drawn per message from a table of observed latencies with a seeded PRNG, so a
 * run is reproducible. The engine keeps both channels FIFO (TCP streams): a message is never delivered
 * before one sent earlier on the same channel, whatever the draws.
 */
import { Random } from '../../src/core/math/random.ts';

export interface LatencyModel {
  /** The latency of the next message, ms (≥ 0). */
  next(): number;
  /** Set when every draw is this value (lets the engine take its fast paths). */
  readonly constantMs?: number;
}

export function constantLatency(ms: number): LatencyModel {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`latency must be a finite ms ≥ 0, got ${ms}`);
  return { constantMs: ms, next: () => ms };
}

/**
 * Draws uniformly from `samplesMs` (an empirical distribution: each observed latency equally likely), from
 * a PRNG stream derived from `seed`.
 */
export function empiricalLatency(samplesMs: readonly number[], seed: string | number): LatencyModel {
  if (samplesMs.length === 0) throw new RangeError('empiricalLatency needs at least one sample');
  for (const ms of samplesMs)
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`latency samples must be finite ms ≥ 0, got ${ms}`);
  const table = Float64Array.from(samplesMs);
  const random = Random.derive('sim-latency', seed);
  return { next: () => table[random.int(table.length)]! };
}

export function toLatencyModel(latency: number | LatencyModel | undefined): LatencyModel {
  if (latency === undefined) return constantLatency(0);
  return typeof latency === 'number' ? constantLatency(latency) : latency;
}
