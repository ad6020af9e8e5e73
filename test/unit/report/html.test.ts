import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../src/core/report/html.ts';
import type { MarketTradePoint } from '../../../src/core/report/html.ts';
import { computeRunMetrics } from '../../../src/core/report/metrics.ts';
import type { RunRecord } from '../../../src/core/report/metrics.ts';
import type { SnapshotRecord, TradeLogEntry } from '../../../src/core/trading/types.ts';
import { JAN5, snapshot, trade } from './run-fixtures.ts';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const HOSTILE = '<script>alert(1)</script>';
const CHARTS = [
  'equity-curve',
  'drawdown',
  'inventory',
  'quotes-trades',
  'spread-by-regime',
  'pnl-by-regime',
];

/** A synthetic run: one snapshot a second, a fill every 30 s, a market trade every 5 s. */
function syntheticRun(seconds: number): { run: RunRecord; marketTrades: MarketTradePoint[] } {
  const regimes = ['range', 'trend_up', '<b>odd</b>'];
  const snapshots: SnapshotRecord[] = [];
  const trades: TradeLogEntry[] = [];
  const marketTrades: MarketTradePoint[] = [];
  let position = 0;
  for (let t = 0; t < seconds; t++) {
    const ts = JAN5 + t * 1000;
    const mid = 100 + Math.sin(t / 600) + t / 100_000;
    const regime = regimes[Math.floor(t / 600) % regimes.length]!;
    const halfSpread = regime === 'range' ? 0.02 : 0.05;
    if (t % 30 === 0) {
      const side = Math.sin(t / 90) > 0 ? 'buy' : 'sell';
      position += side === 'buy' ? 1 : -1;
      trades.push(
        trade({
          ts,
          side,
          price: mid,
          quantity: 1,
          positionAfter: position,
          regime,
          fee: 0.01,
          note: HOSTILE,
        }),
      );
    }
    if (t % 5 === 0)
      marketTrades.push({
        ts,
        price: mid + (t % 10 === 0 ? 0.01 : -0.01),
        size: 1,
        aggressor: t % 10 === 0 ? 1 : -1,
      });
    snapshots.push(
      snapshot({
        ts,
        equity: 10_000 + 5 * Math.sin(t / 300) + t / 1_000,
        mid,
        bid: mid - 0.01,
        ask: mid + 0.01,
        quoteBid: mid - halfSpread,
        quoteAsk: mid + halfSpread,
        position,
        regime,
      }),
    );
  }
  return {
    run: { initialCapital: 10_000, equityAtStart: 10_000, ordersSent: trades.length * 4, snapshots, trades },
    marketTrades,
  };
}

function render(seconds: number): string {
  const { run, marketTrades } = syntheticRun(seconds);
  const metrics = computeRunMetrics(run);
  return renderHtmlReport({
    meta: {
      strategy: HOSTILE,
      parameters: { gamma: 1, kappa: 1000, [`"><svg onload=alert(2)>`]: `<i>${HOSTILE}</i>` },
      dataSource: 'synthetic test run & friends',
      codeVersion: 'abc123',
      generatedAtMs: JAN5,
    },
    metrics,
    trades: run.trades,
    snapshots: run.snapshots,
    marketTrades,
    options: { tradeRows: 20 },
  });
}

/** The `d` attribute of every path inside the chart with this id. */
function chartPaths(html: string, id: string): string[] {
  const start = html.indexOf(`data-chart="${id}"`);
  const svg = html.slice(start, html.indexOf('</svg>', start));
  return [...svg.matchAll(/<path d="([^"]*)"/g)].map((match) => match[1]!);
}

/** Points drawn by a path: one per M, L, or H…V step command. */
function pointCount(d: string): number {
  return (d.match(/[MLH]/g) ?? []).length;
}

describe('renderHtmlReport', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  const html = render(7_200);

  it('is one self-contained document with no external references', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // (booleans, so a failure does not print the whole document)
    expect(/https?:\/\//i.test(html)).toBe(false);
    expect(/src\s*=/i.test(html)).toBe(false);
    expect(/<(script|link|img|iframe|object|embed)\b/i.test(html)).toBe(false);
    expect(/url\(|@import/i.test(html)).toBe(false);
  });

  it('contains every chart as inline SVG', () => {
    expect(html.match(/<svg /g)).toHaveLength(CHARTS.length);
    for (const id of CHARTS) expect(html.includes(`<svg class="chart-svg" data-chart="${id}"`)).toBe(true);
    // lines and dots were actually drawn: equity, position, and quotes/trades series
    expect(chartPaths(html, 'equity-curve')).toHaveLength(1);
    expect(chartPaths(html, 'inventory')).toHaveLength(1);
    // market bid, market ask, our bid, our ask, market buys, market sells, our buy fills, our sell fills
    expect(chartPaths(html, 'quotes-trades')).toHaveLength(8);
  });

  it('escapes hostile strings everywhere they appear', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;odd&lt;/b&gt;'); // a regime name, in tables and chart labels
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;'); // a parameter name
    expect(html).toContain('synthetic test run &amp; friends');
    expect(html.includes('<b>odd</b>')).toBe(false);
    expect(html.includes('<svg onload')).toBe(false);
  });

  it('shows run metadata, the metrics with their methods, and the first N trades', () => {
    expect(html).toContain('<code>abc123</code>');
    expect(html).toContain('<code>gamma</code> = 1');
    expect(html).toContain('Sharpe (annualised)');
    expect(html).toContain('√(252 days × 420 minutes)');
    expect(html).toContain('historical expected shortfall at 95 %');
    const log = html.slice(html.indexOf('<table class="trades">'));
    const body = log.slice(log.indexOf('<tbody>'), log.indexOf('</tbody>'));
    expect(body.match(/<tr>/g)).toHaveLength(20);
    expect(html).toContain('first 20 of 240 fills');
  });

  it('stays bounded for large runs: every series is downsampled to at most 2,000 points', () => {
    const large = render(200_000); // 200,000 snapshots, 6,667 fills, 40,000 market trades
    for (const id of CHARTS) {
      for (const d of chartPaths(large, id)) expect(pointCount(d)).toBeLessThanOrEqual(2_000);
    }
    expect(pointCount(chartPaths(large, 'equity-curve')[0]!)).toBeGreaterThan(1_000);
    // 10× the snapshots of a one-hour… two-hour run, yet the document barely grows.
    expect(large.length).toBeLessThan(400_000);
    expect(large.length).toBeLessThan(html.length * 2);
  });

  it('renders the same bytes for the same input', () => {
    expect(render(7_200)).toBe(html);
  });
});
