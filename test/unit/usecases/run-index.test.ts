import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import {
  defaultReportPath,
  findRun,
  listRuns,
  recordRun,
  runIndexPath,
  saveStudyReport,
} from '../../../src/usecases/run-index.ts';
import type { RunEntry } from '../../../src/usecases/run-index.ts';

function entry(id: string, overrides: Partial<RunEntry> = {}): RunEntry {
  return {
    id,
    kind: 'backtest',
    when: '2026-01-05T00:00:00.000Z',
    strategy: 'Avellaneda–Stoikov',
    data: 'silver_ticks',
    value: -1_000,
    measure: 'pnl',
    currency: 'KRW',
    report: `/reports/${id}.html`,
    ...overrides,
  };
}

describe('the run index (<home>/reports/runs.jsonl)', () => {
  it('lists runs newest first, a rerun of an id replacing its earlier entry', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-runs-'));
    recordRun(home, entry('as-aaa'));
    recordRun(home, entry('study-1', { kind: 'study', measure: 'pnl', value: 5 }));
    recordRun(home, entry('as-aaa', { value: 2_000, when: '2026-01-06T00:00:00.000Z' }));
    const { runs, damaged } = listRuns(home);
    expect(runs.map((r) => [r.id, r.value])).toEqual([
      ['as-aaa', 2_000],
      ['study-1', 5],
    ]);
    expect(damaged).toEqual([]);
    expect(listRuns(home, 1).runs.map((r) => r.id)).toEqual(['as-aaa']);
  });

  it('reports damaged lines with their number and reason instead of dropping them silently', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-runs-'));
    recordRun(home, entry('as-aaa'));
    appendFileSync(runIndexPath(home), '{"id": "x"\n{"id":"y","kind":"nope"}\n');
    const { runs, damaged } = listRuns(home);
    expect(runs.map((r) => r.id)).toEqual(['as-aaa']);
    expect(damaged.map((d) => d.line)).toEqual([2, 3]);
    expect(damaged[0]!.reason).toMatch(/^not JSON/);
    expect(damaged[1]!.reason).toMatch(/^kind: /);
  });

  it('finds a run by id or unique prefix, and says why when it cannot', () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-runs-'));
    expect(() => findRun(home, 'as-')).toThrow(/no runs recorded/);
    recordRun(home, entry('as-aaa'));
    recordRun(home, entry('as-abb'));
    expect(findRun(home, 'as-aaa').id).toBe('as-aaa');
    expect(findRun(home, 'as-ab').id).toBe('as-abb');
    expect(() => findRun(home, 'as-a')).toThrow(/ambiguous: as-abb, as-aaa/);
    expect(() => findRun(home, 'zzz')).toThrow(/no run "zzz"/);
  });

  it('keeps report file names safe whatever the id', () => {
    expect(defaultReportPath('/h', 'study/../../etc')).toBe('/h/reports/study_.._.._etc.html');
  });
});

describe('saveStudyReport', () => {
  it('copies the study report from the data store to <home>/reports/<id>.html and indexes the study', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-runs-'));
    const platform = openLocalPlatform(home);
    try {
      const keys = { json: 'reports/studies/s1/report.json', html: 'reports/studies/s1/report.html' };
      const json = {
        strategy: 'Avellaneda–Stoikov',
        objective: 'sharpe',
        dataVersion: 'silver_ticks@7',
        tradingDays: ['2025-12-08', '2025-12-12'],
      };
      await platform.data.put(keys.json, new TextEncoder().encode(JSON.stringify(json)));
      await platform.data.put(keys.html, new TextEncoder().encode('<!doctype html><h1>Tuning study s1</h1>'));
      const path = await saveStudyReport(
        platform,
        home,
        {
          studyId: 's1',
          complete: 4,
          failed: 0,
          best: { number: 2, value: 1.25, params: {} },
          reportKeys: keys,
        },
        { when: new Date('2026-01-05T00:00:00Z') },
      );
      expect(path).toBe(join(home, 'reports', 's1.html'));
      expect(readFileSync(path, 'utf8')).toContain('Tuning study s1');
      expect(listRuns(home).runs).toEqual([
        {
          id: 's1',
          kind: 'study',
          when: '2026-01-05T00:00:00.000Z',
          strategy: 'Avellaneda–Stoikov',
          data: 'silver_ticks@7 (2025-12-08 … 2025-12-12)',
          value: 1.25,
          measure: 'sharpe',
          currency: '',
          report: path,
        },
      ]);
    } finally {
      await platform.close();
    }
  });
});
