/**
 * The study store on a key-value backend: every backend (embedded SQLite, DynamoDB over HTTP) runs these
 * same tests — create or resume, reserved trial numbers, idempotent and conflicting tells, concurrency.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../src/core/ports/key-value.ts';
import { parseStudySpec } from '../../src/core/research/study-spec.ts';
import { planWalkForward } from '../../src/core/research/walk-forward.ts';
import { StudyConflictError, StudyStore, specHash } from '../../src/usecases/research/study-store.ts';

export function studyStoreContract(name: string, open: () => Promise<KeyValueStore>): void {
  describe(`study store: ${name}`, () => {
    let store: StudyStore;
    const spec = parseStudySpec({ studyId: 's1', budget: { trials: 8 } });
    const days = ['2025-12-01', '2025-12-02', '2025-12-03', '2025-12-04'];
    const meta = {
      studyId: 's1',
      spec,
      specHash: specHash(spec),
      dataVersion: '123',
      tradingDays: days,
      plan: planWalkForward(days, spec.walkForward),
      eventsPerTrial: 1000,
      owner: 'exec-1',
    };

    beforeAll(async () => {
      store = new StudyStore(await open());
    });

    it('creates a study, resumes it under a new owner with the same spec, refuses another spec', async () => {
      const created = await store.createOrResume(meta, '2026-01-01T00:00:00Z');
      expect(created.resumed).toBe(false);
      expect(created.meta).toMatchObject({
        studyId: 's1',
        status: 'running',
        owner: 'exec-1',
        tradingDays: days,
      });
      const resumed = await store.createOrResume({ ...meta, owner: 'exec-2' }, '2026-01-01T01:00:00Z');
      expect(resumed.resumed).toBe(true);
      expect(resumed.meta.owner).toBe('exec-2');
      expect(resumed.meta.createdAt).toBe('2026-01-01T00:00:00Z');
      // Key order does not change the hash; a different budget does.
      expect(specHash(parseStudySpec({ budget: { trials: 8 }, studyId: 's1' }))).toBe(meta.specHash);
      const other = parseStudySpec({ studyId: 's1', budget: { trials: 9 } });
      await expect(
        store.createOrResume({ ...meta, spec: other, specHash: specHash(other) }, 'now'),
      ).rejects.toThrow(StudyConflictError);
      expect((await store.meta('s1')).spec).toEqual(spec);
    });

    it('reserves each trial number once, even when two reserve it at the same time', async () => {
      const attempts = await Promise.allSettled([
        store.reserve('s1', 0, { gamma: 1 }, 'exec-2', 't'),
        store.reserve('s1', 0, { gamma: 2 }, 'exec-2', 't'),
      ]);
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      await store.reserve('s1', 1, { gamma: 0.5 }, 'exec-2', 't');
      const trials = await store.trials('s1');
      expect(trials.map((t) => [t.number, t.state, t.attempts])).toEqual([
        [0, 'running', 0],
        [1, 'running', 0],
      ]);
    });

    it('counts starts; telling the same outcome twice is harmless, a different one is refused', async () => {
      expect((await store.start('s1', 1, 't1')).attempts).toBe(1);
      const windows = [{ from: '2025-12-03', to: '2025-12-03', pnl: 12.5, maxDrawdown: 3, fills: 4 }];
      const told = await store.tell('s1', 1, { state: 'complete', value: 12.5, windows, seconds: 0.5 }, 't2');
      expect(told).toMatchObject({ state: 'complete', value: 12.5, windows, finishedAt: 't2' });
      await expect(store.tell('s1', 1, { state: 'complete', value: 12.5 }, 't3')).resolves.toMatchObject({
        value: 12.5,
        finishedAt: 't2',
      });
      await expect(store.tell('s1', 1, { state: 'complete', value: 99 }, 't4')).rejects.toThrow(
        'trial 1 of s1 is already complete with value 12.5; refusing to record complete 99',
      );
      await expect(store.tell('s1', 1, { state: 'failed', error: 'x' }, 't4')).rejects.toThrow(
        StudyConflictError,
      );
      expect((await store.trial('s1', 1)).value).toBe(12.5);
    });

    it('pages through many trials in number order and marks the study finished', async () => {
      await Promise.all(
        Array.from({ length: 60 }, (_, k) => store.reserve('s1', 100 + k, { gamma: k }, 'exec-2', 't')),
      );
      const numbers = (await store.trials('s1')).map((t) => t.number);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(numbers).toHaveLength(62);
      await store.finish('s1', { best: 12.5 }, 't9');
      expect(await store.meta('s1')).toMatchObject({ status: 'finished', summary: { best: 12.5 } });
      await expect(store.meta('nope')).rejects.toThrow('no study nope');
    });
  });
}
