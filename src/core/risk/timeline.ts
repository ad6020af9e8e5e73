/**
 * When and why the risk gate stepped in, for a run's summary, JSON and report: per trading day the
 * decisions it reviewed and refused (by mode and by limit) and its first refusal with the reason; and
 * each episode of an account-wide limit (order rate, daily loss, drawdown, losing streak): when it began,
 * with the sentence that said why, and the first review at which it no longer held.
 *
 * Per-instrument limits (bad inputs, stale data, position notional and quantity) are counted per day but
 * get no episodes: hundreds of codes each crossing a position limit would bury the account's story.
 * Memory is bounded: one entry per trading day, at most MAX_EPISODES episodes (the rest are counted).
 * A review costs a pass over the checks' breached flags; sentences are formatted only when kept.
 */
import type { RiskDecision, RiskInputs } from '../trading/types.ts';
import type { RiskCheck, RiskCheckName } from './checks.ts';

export type RiskMode = 'halt' | 'reduce-only';

export interface GateRefusal {
  ms: number;
  instrument: string;
  mode: RiskMode;
  reason: string;
}

export interface GateDay {
  tradingDay: string;
  reviews: number;
  /** Decisions refused with 'halt' / cut to 'reduce-only'. */
  halted: number;
  reduceOnly: number;
  /** The day's first refused decision, or null when the gate allowed everything. */
  first: GateRefusal | null;
  /** Refused decisions per breached limit (a decision can breach several). */
  byLimit: Partial<Record<RiskCheckName, number>>;
}

export interface GateEpisode {
  limit: RiskCheckName;
  mode: RiskMode;
  tradingDay: string;
  startMs: number;
  /** The first review at which the limit no longer held; null when it held to the end of the run. */
  endMs: number | null;
  /** The check's sentence when the episode began. */
  reason: string;
}

export interface RiskTimeline {
  days: GateDay[];
  episodes: GateEpisode[];
  /** Episodes past MAX_EPISODES, counted but not kept. */
  omittedEpisodes: number;
}

export const MAX_EPISODES = 1000;

/** The limits that belong to the whole account (one state, whichever instrument is reviewed). */
const ACCOUNT_LIMITS: ReadonlySet<RiskCheckName> = new Set([
  'order-rate',
  'daily-loss',
  'drawdown',
  'loss-streak',
]);

export class GateTimeline {
  private readonly days: GateDay[] = [];
  private readonly episodes: GateEpisode[] = [];
  private readonly open = new Map<RiskCheckName, GateEpisode>();
  private omitted = 0;

  record(inputs: RiskInputs, checks: readonly RiskCheck[], answer: RiskDecision): void {
    let day = this.days[this.days.length - 1];
    if (day === undefined || day.tradingDay !== inputs.tradingDay) {
      day = { tradingDay: inputs.tradingDay, reviews: 0, halted: 0, reduceOnly: 0, first: null, byLimit: {} };
      this.days.push(day);
    }
    day.reviews++;
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i]!;
      if (!ACCOUNT_LIMITS.has(check.name)) continue;
      const episode = this.open.get(check.name);
      if (check.breached && episode === undefined) this.begin(check, inputs);
      else if (!check.breached && episode !== undefined) {
        episode.endMs = inputs.nowMs;
        this.open.delete(check.name);
      }
    }
    if (answer.allow) return;
    if (answer.mode === 'halt') day.halted++;
    else day.reduceOnly++;
    day.first ??= {
      ms: inputs.nowMs,
      instrument: inputs.instrument,
      mode: answer.mode,
      reason: answer.reason,
    };
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i]!;
      if (check.breached) day.byLimit[check.name] = (day.byLimit[check.name] ?? 0) + 1;
    }
  }

  /** A copy of everything kept so far (plain JSON: safe to print, store or compare). */
  snapshot(): RiskTimeline {
    return {
      days: this.days.map((day) => ({
        ...day,
        first: day.first === null ? null : { ...day.first },
        byLimit: { ...day.byLimit },
      })),
      episodes: this.episodes.map((episode) => ({ ...episode })),
      omittedEpisodes: this.omitted,
    };
  }

  private begin(check: RiskCheck, inputs: RiskInputs): void {
    const episode: GateEpisode = {
      limit: check.name,
      mode: check.mode,
      tradingDay: inputs.tradingDay,
      startMs: inputs.nowMs,
      endMs: null,
      reason: '',
    };
    this.open.set(check.name, episode);
    if (this.episodes.length >= MAX_EPISODES) {
      this.omitted++;
      return;
    }
    episode.reason = check.message;
    this.episodes.push(episode);
  }
}
