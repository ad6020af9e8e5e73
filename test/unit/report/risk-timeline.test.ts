import { describe, expect, it } from 'vitest';
import { riskTimelineLines, riskTimelineSection } from '../../../src/core/report/risk-timeline.ts';
import type { RiskTimeline } from '../../../src/core/risk/index.ts';

const KST = { label: 'KST', offsetMs: 9 * 3_600_000 };
const T0 = Date.UTC(2026, 2, 3, 0, 24, 43); // 09:24:43 KST

const timeline: RiskTimeline = {
  days: [
    {
      tradingDay: '2026-03-03',
      reviews: 10,
      halted: 0,
      reduceOnly: 4,
      first: { ms: T0, instrument: 'C0163520', mode: 'reduce-only', reason: 'daily loss <5.01M> exceeds' },
      byLimit: { 'daily-loss': 4 },
    },
    { tradingDay: '2026-03-04', reviews: 7, halted: 0, reduceOnly: 0, first: null, byLimit: {} },
  ],
  episodes: [
    {
      limit: 'daily-loss',
      mode: 'reduce-only',
      tradingDay: '2026-03-03',
      startMs: T0,
      endMs: T0 + 86_400_000,
      reason: 'daily loss <5.01M> exceeds',
    },
  ],
  omittedEpisodes: 2,
};

describe('the risk gate timeline in words', () => {
  it('says on which days the gate refused, when first and why, and each limit episode', () => {
    expect(riskTimelineLines(timeline, KST)).toEqual([
      'risk gate: refused decisions on 1 of 2 trading days (reduce-only on 1, halted on 0)',
      '  2026-03-03: 4 reduce-only, 0 halted of 10 decisions; first at 2026-03-03 09:24:43 KST (C0163520, reduce-only): daily loss <5.01M> exceeds',
      '  daily-loss reduce-only from 2026-03-03 09:24:43 KST until 2026-03-04 09:24:43 KST: daily loss <5.01M> exceeds',
      '  … and 2 more limit episodes (see the report)',
    ]);
  });

  it('renders an escaped report section with a row per trading day', () => {
    const html = riskTimelineSection(timeline, KST);
    expect(html).toContain('<h2>Risk gate</h2>');
    expect(html).toContain('daily loss &lt;5.01M&gt; exceeds');
    expect(html).not.toContain('<5.01M>');
    expect(html.match(/<tr><td>2026-03-0[34]<\/td>/g)).toHaveLength(2);
    expect(html).toContain('2 further episodes not listed');
  });
});
