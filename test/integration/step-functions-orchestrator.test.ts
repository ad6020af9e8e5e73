/**
 * The Orchestrator port on AWS over HTTP (moto): it starts an execution of the named state machine with
 * the input, follows it, reads task results from the execution history, and says clearly when the state
 * machine is not configured or the execution ends other than in success. (moto does not run the tasks:
 * an execution stays RUNNING with a canned history, so success is covered by the e2e tier's local runs.)
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { StepFunctionsOrchestrator, openAwsOrchestrator } from '../../src/adapters/aws/step-functions.ts';
import { InterruptedError } from '../../src/core/concurrency/interrupt.ts';
import { WorkflowFailedError } from '../../src/core/ports/orchestrator.ts';
import { awsTierSkipped, uniqueName } from '../support/aws-env.ts';

/** The ARN of the state machine's execution that is not one of `known`, once it exists. */
async function nextExecution(sfn: SFNClient, stateMachineArn: string, known: string[]): Promise<string> {
  for (;;) {
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const found = executions?.find((e) => !known.includes(e.executionArn!));
    if (found) return found.executionArn!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(awsTierSkipped)('Step Functions orchestrator', () => {
  it('starts the execution with the input and follows it until stopped', async () => {
    const sfn = new SFNClient(awsClientSettings());
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: uniqueName('quotelab-wait'),
        definition: JSON.stringify({
          StartAt: 'Wait',
          States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } },
        }),
        roleArn: 'arn:aws:iam::123456789012:role/quotelab-test',
      }),
    );
    const orchestrator = new StepFunctionsOrchestrator({
      stateMachines: { tuning: { arn: stateMachineArn, missing: 'unused' } },
      pollMs: 50,
    });
    const controller = new AbortController();
    const steps: string[] = [];
    const run = orchestrator.run(
      'tuning',
      { studyId: 's1' },
      { signal: controller.signal, onStep: (step) => steps.push(step) },
    );
    const executionArn = await nextExecution(sfn, stateMachineArn!, []);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('RUNNING');
    expect(JSON.parse(described.input!)).toEqual({ studyId: 's1' });
    // Ctrl-C stops following, and says the execution goes on.
    controller.abort();
    await expect(run).rejects.toThrow(InterruptedError);
    await expect(run).rejects.toThrow(`execution ${executionArn} keeps running on AWS`);
    expect(steps).toEqual([]); // no task ran

    // An execution stopped elsewhere ends the run with its status.
    const second = orchestrator.run('tuning', { studyId: 's2' });
    const secondArn = await nextExecution(sfn, stateMachineArn!, [executionArn]);
    await sfn.send(new StopExecutionCommand({ executionArn: secondArn, error: 'Stopped', cause: 'by hand' }));
    await expect(second).rejects.toThrow(WorkflowFailedError);
    // (moto's DescribeExecution leaves out the error and cause that AWS returns after the status.)
    await expect(second).rejects.toThrow(`execution ${secondArn} ABORTED`);
  });

  it('without the state machine ARN: a clear error naming the variable, nothing started', async () => {
    await expect(openAwsOrchestrator({}).run('tuning', {})).rejects.toThrow(
      "target aws needs QUOTELAB_TUNING_STATE_MACHINE_ARN (the Research stack's TuningStateMachineArn output)",
    );
  });
});
