/**
 * The backtest and study report pages in a real headless browser (Debian's Chromium driven by
 * playwright-core; no browser download), offline: no tick label is cut off by its chart's viewport, no
 * axis title overlaps a tick label, and the drawdown chart, profit factor and hit rate are there.
 * Chromium: QUOTELAB_CHROMIUM, else /usr/bin/chromium (CI installs it in .ci/run).
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { renderStudyHtml } from '../../src/core/report/study-report.ts';
import type { StudyReport } from '../../src/core/report/study-report.ts';
import { runBacktestRequest } from '../../src/usecases/backtest.ts';
import { BINANCE_CAPTURE, REAL_KRX_DAY } from '../../src/usecases/demo.ts';

const CHROMIUM = process.env.QUOTELAB_CHROMIUM ?? '/usr/bin/chromium';

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface ChartLayout {
  chart: string;
  viewport: Box;
  ticks: Array<Box & { text: string }>;
  titles: Array<Box & { text: string }>;
}

/** A KRW study of 16 trials with PnL in the millions (the labels that used to be clipped). */
function studyReport(): StudyReport {
  const trials = Array.from({ length: 16 }, (_, number) => ({
    number,
    state: 'complete' as const,
    value: -2_500_000 + number * 412_345.67,
    params: { gamma: 0.01 * 1.5 ** number, kappa: 100 + number * 37.5, minSpreadFraction: 0.0005 },
  }));
  return {
    studyId: 'browser-check',
    generatedAt: '2026-01-05T00:00:00.000Z',
    strategy: 'as',
    objective: 'pnl',
    direction: 'maximize',
    sampler: 'tpe',
    seed: 1,
    budget: 16,
    parallelism: 2,
    dataVersion: 'silver_ticks@123',
    tradingDays: ['2025-12-08', '2025-12-09', '2025-12-10', '2025-12-11', '2025-12-12'],
    folds: [{ train: '2025-12-08..2025-12-09', validate: '2025-12-10' }],
    logParams: ['gamma'],
    trials,
    best: { number: 15, value: trials[15]!.value, params: trials[15]!.params },
    outOfSample: {
      window: { from: '2025-12-12', to: '2025-12-12' },
      tuned: {
        params: trials[15]!.params,
        pnl: 1_234_567,
        maxDrawdown: 345_678,
        fills: 120,
        dailyPnl: [1_234_567],
      },
      manual: {
        params: { gamma: 0.5 },
        pnl: -765_432,
        maxDrawdown: 999_999,
        fills: 80,
        dailyPnl: [-765_432],
      },
      pnlImprovement: 2.6,
    },
    importance: [
      { param: 'gamma', importance: 0.7 },
      { param: 'kappa', importance: 0.3 },
    ],
  };
}

/**
 * Runs in the page (a string, as the tests are type-checked without the DOM library): every chart's
 * viewport, tick labels and axis titles as the browser laid them out, in CSS pixels.
 */
const MEASURE_CHARTS = `(() => {
  const box = (element) => {
    const rect = element.getBoundingClientRect();
    return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, text: element.textContent ?? '' };
  };
  return [...document.querySelectorAll('svg.chart-svg')].map((svg) => ({
    chart: svg.getAttribute('data-chart') ?? '',
    viewport: box(svg),
    ticks: [...svg.querySelectorAll('text.tick')].map(box),
    titles: [...svg.querySelectorAll('text.axis-label')].map(box),
  }));
})()`;

/** Opens a report offline and measures its charts. */
async function chartLayouts(
  browser: Browser,
  file: string,
): Promise<{ layouts: ChartLayout[]; page: string; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const requests: string[] = [];
  // Offline: anything but the file itself is refused and recorded.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  const layouts = await page.evaluate<ChartLayout[]>(MEASURE_CHARTS);
  const text = await page.innerText('body');
  await page.close();
  return { layouts, page: text, requests };
}

const inside = (inner: Box, outer: Box) =>
  inner.left >= outer.left - 0.5 &&
  inner.right <= outer.right + 0.5 &&
  inner.top >= outer.top - 0.5 &&
  inner.bottom <= outer.bottom + 0.5;
const overlap = (a: Box, b: Box) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

function layoutProblems(layouts: ChartLayout[]): string[] {
  const problems: string[] = [];
  for (const chart of layouts) {
    for (const tick of [...chart.ticks, ...chart.titles])
      if (!inside(tick, chart.viewport)) problems.push(`${chart.chart}: "${tick.text}" is cut off`);
    for (const title of chart.titles)
      for (const tick of chart.ticks)
        if (overlap(title, tick))
          problems.push(`${chart.chart}: axis title "${title.text}" overlaps "${tick.text}"`);
  }
  return problems;
}

describe('report pages in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-report-pages-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set QUOTELAB_CHROMIUM`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('the backtest report (A&S on the real KRX day): labels fit, drawdown chart, profit factor, hit rate', async () => {
    const platform = openLocalPlatform(join(dir, 'home'));
    let html: string;
    try {
      const xml = readdirSync(REAL_KRX_DAY)
        .filter((name) => name.endsWith('.xml'))
        .map((name) => join(REAL_KRX_DAY, name));
      html = (
        await runBacktestRequest(platform, {
          strategy: 'as',
          source: { kind: 'files', paths: xml },
          writeLake: false,
        })
      ).html;
    } finally {
      await platform.close();
    }
    const file = join(dir, 'backtest.html');
    writeFileSync(file, html);
    const { layouts, page, requests } = await chartLayouts(browser, file);
    expect(requests).toEqual([]);
    expect(layoutProblems(layouts)).toEqual([]);
    expect(layouts.map((l) => l.chart)).toEqual(expect.arrayContaining(['equity-curve', 'drawdown']));
    const drawdown = layouts.find((l) => l.chart === 'drawdown')!;
    expect(drawdown.ticks.length).toBeGreaterThan(3);
    // KRW axes: whole won with separators, no ".00"
    for (const chart of ['equity-curve', 'drawdown'])
      for (const tick of layouts
        .find((l) => l.chart === chart)!
        .ticks.filter((t) => /\d{3}/.test(t.text) && !t.text.includes(':')))
        expect(tick.text).toMatch(/^−?\d{1,3}(,\d{3})*$/);
    expect(page).toMatch(/Profit factor\s+(\d+\.\d\d|–|∞)/);
    expect(page).toMatch(/Hit rate\s+(\d+\.\d\d %|–)/);
    expect(page).toMatch(/Total PnL\s+−?[\d,]+ KRW/);
  }, 120_000);

  it('the backtest report on the BTCUSDT capture (USDT, prices in the tens of thousands): labels fit', async () => {
    const platform = openLocalPlatform(join(dir, 'home-btc'));
    let html: string;
    try {
      html = (
        await runBacktestRequest(platform, {
          strategy: 'as',
          source: { kind: 'files', paths: [BINANCE_CAPTURE] },
          params: { minSpreadFraction: '0.00002', gamma: '0.1' },
          writeLake: false,
        })
      ).html;
    } finally {
      await platform.close();
    }
    const file = join(dir, 'backtest-btc.html');
    writeFileSync(file, html);
    const { layouts, page, requests } = await chartLayouts(browser, file);
    expect(requests).toEqual([]);
    expect(layoutProblems(layouts)).toEqual([]);
    expect(layouts.map((l) => l.chart)).toEqual(expect.arrayContaining(['drawdown', 'quotes-trades']));
    expect(page).toMatch(/Total PnL\s+−?[\d,]+\.\d\d USDT/);
    expect(page).toMatch(/Profit factor\s+\d+\.\d\d/);
  }, 120_000);

  it('the study report: labels fit and axis titles stay clear of the ticks', async () => {
    const file = join(dir, 'study.html');
    writeFileSync(file, renderStudyHtml(studyReport()));
    const { layouts, page, requests } = await chartLayouts(browser, file);
    expect(requests).toEqual([]);
    expect(layouts.map((l) => l.chart)).toEqual([
      'history',
      'param-gamma',
      'param-kappa',
      'param-minSpreadFraction',
    ]);
    expect(layoutProblems(layouts)).toEqual([]);
    expect(page).toContain('1,234,567 KRW');
    expect(page).not.toMatch(/\d\.00\b/);
  }, 120_000);
});
