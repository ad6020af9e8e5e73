/**
 * The risk gate's timeline in words: when and why it halted or went reduce-only, per trading day and per
 * episode of an account-wide limit. One source for the CLI summary (lines) and the HTML report (a
 * section), so both say the same thing.
 */
import type { GateEpisode, RiskTimeline } from '../risk/index.ts';
import { escapeHtml } from './escape.ts';
import type { DisplayZone } from './format.ts';
import { UTC_ZONE, formatDateTime } from './format.ts';

/** One sentence for the whole run: on how many trading days the gate refused anything. */
export function riskTimelineHeadline(timeline: RiskTimeline): string {
  const days = timeline.days.length;
  const refused = timeline.days.filter((day) => day.halted + day.reduceOnly > 0);
  if (refused.length === 0) return `risk gate: allowed every decision on all ${days} trading days`;
  const halted = refused.filter((day) => day.halted > 0).length;
  return (
    `risk gate: refused decisions on ${refused.length} of ${days} trading days ` +
    `(reduce-only on ${refused.filter((day) => day.reduceOnly > 0).length}, halted on ${halted})`
  );
}

/** The headline, then each day the gate refused anything (first refusal and why), then the episodes. */
export function riskTimelineLines(
  timeline: RiskTimeline,
  zone: DisplayZone = UTC_ZONE,
  maxLines = 5,
): string[] {
  const lines = [riskTimelineHeadline(timeline)];
  const refused = timeline.days.filter((day) => day.first !== null);
  for (const day of refused.slice(0, maxLines)) {
    const first = day.first!;
    lines.push(
      `  ${day.tradingDay}: ${day.reduceOnly} reduce-only, ${day.halted} halted of ${day.reviews} decisions; ` +
        `first at ${formatDateTime(first.ms, zone)} ${zone.label} (${first.instrument}, ${first.mode}): ${first.reason}`,
    );
  }
  if (refused.length > maxLines)
    lines.push(`  … and ${refused.length - maxLines} more days (see the report)`);
  const episodes = timeline.episodes;
  for (const episode of episodes.slice(0, maxLines)) lines.push(`  ${episodeLine(episode, zone)}`);
  const more = Math.max(0, episodes.length - maxLines) + timeline.omittedEpisodes;
  if (more > 0) lines.push(`  … and ${more} more limit episodes (see the report)`);
  return lines;
}

function episodeLine(episode: GateEpisode, zone: DisplayZone): string {
  const until =
    episode.endMs === null ? 'the end of the run' : `${formatDateTime(episode.endMs, zone)} ${zone.label}`;
  return `${episode.limit} ${episode.mode} from ${formatDateTime(episode.startMs, zone)} ${zone.label} until ${until}: ${episode.reason}`;
}

/** The report's section: the headline, a table per trading day and a table of the limits' episodes. */
export function riskTimelineSection(timeline: RiskTimeline, zone: DisplayZone = UTC_ZONE): string {
  const dayRows = timeline.days
    .map((day) => {
      const limits = Object.entries(day.byLimit)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ');
      const first = day.first;
      return (
        `<tr><td>${escapeHtml(day.tradingDay)}</td><td class="num">${day.reviews}</td>` +
        `<td class="num">${day.reduceOnly}</td><td class="num">${day.halted}</td>` +
        `<td>${first === null ? '–' : escapeHtml(`${formatDateTime(first.ms, zone)} ${first.instrument} ${first.mode}`)}</td>` +
        `<td>${first === null ? '' : escapeHtml(first.reason)}</td><td>${escapeHtml(limits)}</td></tr>`
      );
    })
    .join('');
  const episodeRows = timeline.episodes
    .map(
      (episode) =>
        `<tr><td>${escapeHtml(episode.limit)}</td><td>${escapeHtml(episode.mode)}</td>` +
        `<td>${escapeHtml(formatDateTime(episode.startMs, zone))}</td>` +
        `<td>${episode.endMs === null ? 'end of run' : escapeHtml(formatDateTime(episode.endMs, zone))}</td>` +
        `<td>${escapeHtml(episode.reason)}</td></tr>`,
    )
    .join('');
  const omitted =
    timeline.omittedEpisodes > 0
      ? `<p><small>${timeline.omittedEpisodes} further episodes not listed</small></p>`
      : '';
  return (
    `<section><h2>Risk gate</h2><p>${escapeHtml(riskTimelineHeadline(timeline))}. Daily limits (loss, drawdown from ` +
    `the day's peak) start afresh each trading day; times ${escapeHtml(zone.label)}.</p>` +
    `<table><thead><tr><th>Trading day</th><th>Decisions</th><th>Reduce-only</th><th>Halted</th><th>First refusal</th>` +
    `<th>Why</th><th>Refusals by limit</th></tr></thead><tbody>${dayRows}</tbody></table>` +
    `<h3>Account-wide limit episodes</h3><table><thead><tr><th>Limit</th><th>Mode</th><th>From</th><th>Until</th>` +
    `<th>Why</th></tr></thead><tbody>${episodeRows}</tbody></table>${omitted}</section>`
  );
}
