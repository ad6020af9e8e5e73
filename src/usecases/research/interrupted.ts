/** What a study stopped by Ctrl-C keeps (the local workflow run and the direct loop say the same). */
import type { Platform } from '../../core/platform.ts';
import { StudyStore } from './study-store.ts';

/** What an interrupted study keeps, in one line. */
export async function keptTrials(platform: Platform, studyId: string | undefined): Promise<string> {
  if (studyId === undefined) return 'stopped before the study was created; nothing was written';
  const trials = await new StudyStore(platform.state).trials(studyId);
  const count = (state: string) => trials.filter((t) => t.state === state).length;
  return (
    `study ${studyId} keeps its ${count('complete')} complete and ${count('failed')} failed trials in the study store; ` +
    `${count('running')} running trials were cut off (recorded as interrupted, not counted, on resume); ` +
    'no report was written; run the same spec again to resume'
  );
}
