/**
 * A seeded generator of large event streams for benchmarks and tests: one instrument whose best bid
 * random-walks on a tick grid, BBO events around it (spread 1 or 2 ticks, switching now and then), trades
 * at the touch by a random aggressor (some sweeping one tick through), and optionally depth updates within
 * ten ticks of the touch. Exponential inter-arrival times. With the defaults the mid changes on about 4 %
 * of events, close to the bundled BTCUSDT capture (a fixed-spread quoter sends an order on ~10 % of its
 * wake-ups there). It writes straight into the final typed
 * arrays (length known up front), so 10 M events take well under a second and ~450 MB.
 *
 * Prices and sizes are produced as integer counts divided by ticks-per-unit / lots-per-unit, which gives
 * the same doubles as parsing the decimals would (the engine compares prices exactly).
 */
import { EVENT_BBO, EVENT_DEPTH, EVENT_TRADE } from '../../src/core/market/events.ts';
import type { EventColumns } from '../../src/core/market/events.ts';
import { Random } from '../../src/core/math/random.ts';

export interface SyntheticEventOptions {
  /** Number of events. */
  events: number;
  seed?: string | number;
  instrument?: string;
  /** Time of the first event (default 2024-01-01T00:00:00Z). */
  startMs?: number;
  /** Mean gap between events, ms (default 0.5). */
  meanGapMs?: number;
  /** Tick size; 1/tickSize must be a whole number (default 0.01). */
  tickSize?: number;
  /** Lot size; 1/lotSize must be a whole number (default 0.001). */
  lotSize?: number;
  /** Starting best bid (default 100). */
  startPrice?: number;
  /** Share of events that are trades (default 0.3). */
  tradeShare?: number;
  /** Share of events that are depth level updates (default 0: BBO and trades only). */
  depthShare?: number;
  /** Probability that a BBO event moves the best bid one tick (default 0.03). */
  moveProbability?: number;
  /** Probability that a BBO event switches the spread between 1 and 2 ticks (default 0.03). */
  spreadSwitchProbability?: number;
  /** Probability that a trade prints one tick through the touch (default 0.05). */
  sweepProbability?: number;
  /** Mean trade size and mean level size (defaults 0.5 and 5). */
  meanTradeSize?: number;
  meanLevelSize?: number;
}

export function syntheticEvents(options: SyntheticEventOptions): EventColumns {
  const n = options.events;
  const random = Random.derive('sim-synthetic-events', options.seed ?? 1);
  const ticksPerUnit = Math.round(1 / (options.tickSize ?? 0.01));
  const lotsPerUnit = Math.round(1 / (options.lotSize ?? 0.001));
  const meanGap = options.meanGapMs ?? 0.5;
  const tradeShare = options.tradeShare ?? 0.3;
  const depthLimit = tradeShare + (options.depthShare ?? 0);
  const move = options.moveProbability ?? 0.03;
  const spreadSwitch = options.spreadSwitchProbability ?? 0.03;
  const sweep = options.sweepProbability ?? 0.05;
  const meanTradeLots = (options.meanTradeSize ?? 0.5) * lotsPerUnit;
  const meanLevelLots = (options.meanLevelSize ?? 5) * lotsPerUnit;

  const ts = new Float64Array(n);
  const kind = new Uint8Array(n);
  const instrument = new Uint16Array(n);
  const price = new Float64Array(n);
  const size = new Float64Array(n);
  const price2 = new Float64Array(n).fill(NaN);
  const size2 = new Float64Array(n).fill(NaN);
  const side = new Int8Array(n);
  const flags = new Uint8Array(n);

  const lots = (mean: number): number => Math.max(1, Math.round(random.exponential(mean)));
  let t = options.startMs ?? Date.UTC(2024, 0, 1);
  let bid = Math.round((options.startPrice ?? 100) * ticksPerUnit);
  let spread = 1;
  for (let i = 0; i < n; i++) {
    t += random.exponential(meanGap);
    ts[i] = t;
    const u = i === 0 ? 1 : random.float();
    if (u < tradeShare) {
      const aggressor = random.sign();
      let ticks = aggressor === 1 ? bid + spread : bid;
      if (random.float() < sweep) ticks += aggressor;
      kind[i] = EVENT_TRADE;
      price[i] = ticks / ticksPerUnit;
      size[i] = lots(meanTradeLots) / lotsPerUnit;
      side[i] = aggressor;
    } else if (u < depthLimit) {
      const bookSide = random.sign();
      const level = random.int(10);
      kind[i] = EVENT_DEPTH;
      price[i] = (bookSide === 1 ? bid - level : bid + spread + level) / ticksPerUnit;
      size[i] = random.float() < 0.1 ? 0 : lots(meanLevelLots) / lotsPerUnit;
      side[i] = bookSide;
    } else {
      if (random.float() < move) bid += bid > 10 ? random.sign() : 1;
      if (random.float() < spreadSwitch) spread = 3 - spread;
      kind[i] = EVENT_BBO;
      price[i] = bid / ticksPerUnit;
      size[i] = lots(meanLevelLots) / lotsPerUnit;
      price2[i] = (bid + spread) / ticksPerUnit;
      size2[i] = lots(meanLevelLots) / lotsPerUnit;
    }
  }
  return {
    length: n,
    instruments: [options.instrument ?? 'SYN'],
    ts,
    kind,
    instrument,
    price,
    size,
    price2,
    size2,
    side,
    flags,
  };
}
