/**
 * Task results from a Step Functions execution history: each TaskSucceeded is named by the state whose
 * TaskStateEntered its previousEventId chain leads to, also when Map iterations interleave, and a history
 * read in pieces (new events only) gives each result once. moto's history is canned, so the history here
 * is a recorded shape of the tuning workflow's (a stand-in, RecordedHistoryExecutions, not a real service).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { TaskResultFollower } from '../../../src/adapters/aws/step-functions.ts';
import type { StepFunctionsExecutions } from '../../../src/adapters/aws/step-functions.ts';

const entered = (id: number, previous: number, name: string): HistoryEvent => ({
  id,
  previousEventId: previous,
  type: 'TaskStateEntered',
  timestamp: new Date(0),
  stateEnteredEventDetails: { name },
});
const task = (id: number, previous: number, type: 'TaskScheduled' | 'TaskStarted'): HistoryEvent => ({
  id,
  previousEventId: previous,
  type,
  timestamp: new Date(0),
});
const succeeded = (id: number, previous: number, output: unknown): HistoryEvent => ({
  id,
  previousEventId: previous,
  type: 'TaskSucceeded',
  timestamp: new Date(0),
  taskSucceededEventDetails: { resource: 'invoke', resourceType: 'lambda', output: JSON.stringify(output) },
});

/** The tuning workflow's first steps, two trials of a Map interleaved. */
const HISTORY: HistoryEvent[] = [
  { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: new Date(0) },
  entered(2, 1, 'Start study'),
  task(3, 2, 'TaskScheduled'),
  task(4, 3, 'TaskStarted'),
  succeeded(5, 4, { studyId: 's', trials: 2 }),
  entered(6, 5, 'Suggest trials'),
  task(7, 6, 'TaskScheduled'),
  task(8, 7, 'TaskStarted'),
  succeeded(9, 8, { done: false, trials: [{ number: 0 }, { number: 1 }] }),
  entered(10, 9, 'Run trial on Lambda'),
  entered(11, 9, 'Run trial on Lambda'),
  task(12, 10, 'TaskScheduled'),
  task(13, 11, 'TaskScheduled'),
  task(14, 13, 'TaskStarted'),
  task(15, 12, 'TaskStarted'),
  succeeded(16, 14, { number: 1, state: 'complete' }),
  succeeded(17, 15, { number: 0, state: 'complete' }),
  entered(18, 17, 'Record results'),
  task(19, 18, 'TaskScheduled'),
  task(20, 19, 'TaskStarted'),
  succeeded(21, 20, { complete: 2, failed: 0 }),
];

/** Serves the first `visible` events of HISTORY, as a growing execution would. */
class RecordedHistoryExecutions {
  visible = 0;
  async eventsAfter(_arn: string, afterId: number): Promise<HistoryEvent[]> {
    return HISTORY.slice(0, this.visible).filter((event) => event.id! > afterId);
  }
}

describe('TaskResultFollower', () => {
  it('names each task result by its state and reports it once, however the history is read', async () => {
    const whole = new RecordedHistoryExecutions();
    whole.visible = HISTORY.length;
    const all = await new TaskResultFollower(whole as unknown as StepFunctionsExecutions, 'arn').next();
    expect(all.map((r) => [r.step, r.output])).toEqual([
      ['Start study', { studyId: 's', trials: 2 }],
      ['Suggest trials', { done: false, trials: [{ number: 0 }, { number: 1 }] }],
      ['Run trial on Lambda', { number: 1, state: 'complete' }],
      ['Run trial on Lambda', { number: 0, state: 'complete' }],
      ['Record results', { complete: 2, failed: 0 }],
    ]);

    const growing = new RecordedHistoryExecutions();
    const follower = new TaskResultFollower(growing as unknown as StepFunctionsExecutions, 'arn');
    const pieces = [];
    for (const visible of [3, 9, 14, 16, HISTORY.length, HISTORY.length]) {
      growing.visible = visible;
      pieces.push(...(await follower.next()));
    }
    expect(pieces).toEqual(all);
  });
});
