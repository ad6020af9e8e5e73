/**
 * Step Functions executions: start one, read its status, its history and stop it (the CLI's
 * `--target aws` for workflows), and the Orchestrator port on AWS built on them.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { InterruptedError } from '../../core/concurrency/interrupt.ts';
import type { Orchestrator, WorkflowName, WorkflowRunOptions } from '../../core/ports/orchestrator.ts';
import { WorkflowFailedError } from '../../core/ports/orchestrator.ts';
import { TUNING_CLIENT_ENV, outputHint } from '../../core/runtime-contract/index.ts';
import { awsClientSettings } from './aws-config.ts';

export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionState {
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** A Task state's result, from the history. */
export interface TaskResult {
  id: number;
  step: string;
  output: unknown;
}

export class StepFunctionsExecutions {
  private readonly client: SFNClient;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const settings = awsClientSettings(env);
    this.client = new SFNClient({ region: settings.region, endpoint: settings.endpoint });
  }

  async start(stateMachineArn: string, input: unknown, name?: string): Promise<string> {
    const response = await this.client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
    );
    return response.executionArn!;
  }

  async describe(executionArn: string): Promise<ExecutionState> {
    const response = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: response.status as ExecutionStatus,
      output: response.output ? (JSON.parse(response.output) as unknown) : undefined,
      error: response.error,
      cause: response.cause,
    };
  }

  /** History events newer than `afterId`, oldest first (read newest first, stopping at what was seen). */
  async eventsAfter(executionArn: string, afterId: number): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 500, nextToken }),
      );
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= afterId) return events.reverse();
        events.push(event);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return events.reverse();
  }
}

/**
 * Task results from an execution's history as it grows: each TaskSucceeded event, named by the
 * TaskStateEntered event its chain of `previousEventId`s leads back to (Map iterations interleave, so
 * "the last state entered" would name the wrong one).
 */
export class TaskResultFollower {
  private readonly executions: StepFunctionsExecutions;
  private readonly executionArn: string;
  private lastId = 0;
  /** Task events kept to walk a later TaskSucceeded back to its state: id → event. */
  private readonly chain = new Map<number, HistoryEvent>();

  constructor(executions: StepFunctionsExecutions, executionArn: string) {
    this.executions = executions;
    this.executionArn = executionArn;
  }

  async next(): Promise<TaskResult[]> {
    const results: TaskResult[] = [];
    for (const event of await this.executions.eventsAfter(this.executionArn, this.lastId)) {
      const id = event.id ?? 0;
      this.lastId = Math.max(this.lastId, id);
      if (event.type === 'TaskStateEntered' || event.type === 'TaskScheduled' || event.type === 'TaskStarted')
        this.chain.set(id, event);
      if (event.type !== 'TaskSucceeded') continue;
      let previous = this.chain.get(event.previousEventId ?? -1);
      while (previous && previous.type !== 'TaskStateEntered')
        previous = this.chain.get(previous.previousEventId ?? -1);
      const step = previous?.stateEnteredEventDetails?.name;
      const output = event.taskSucceededEventDetails?.output;
      if (step !== undefined && output !== undefined)
        results.push({ id, step, output: JSON.parse(output) as unknown });
    }
    return results;
  }
}

export interface StepFunctionsOrchestratorOptions {
  /** The state machine of each workflow (stack outputs), and how to say one is missing. */
  stateMachines: Partial<Record<WorkflowName, { arn: string | undefined; missing: string }>>;
  env?: NodeJS.ProcessEnv;
  /** How often to look at a running execution (default 5 s). */
  pollMs?: number;
}

/** The Orchestrator port on AWS: a Step Functions execution of the deployed state machine, followed. */
export class StepFunctionsOrchestrator implements Orchestrator {
  private readonly options: StepFunctionsOrchestratorOptions;

  constructor(options: StepFunctionsOrchestratorOptions) {
    this.options = options;
  }

  describe(): string {
    return `Step Functions: ${Object.entries(this.options.stateMachines)
      .map(([name, machine]) => `${name} ${machine?.arn ?? '(not configured)'}`)
      .join(', ')}`;
  }

  async run(name: WorkflowName, input: unknown, options: WorkflowRunOptions = {}): Promise<unknown> {
    const machine = this.options.stateMachines[name];
    if (!machine?.arn) throw new Error(machine?.missing ?? `no state machine for the ${name} workflow`);
    const executions = new StepFunctionsExecutions(this.options.env);
    const executionArn = await executions.start(machine.arn, input);
    const follower = new TaskResultFollower(executions, executionArn);
    for (;;) {
      await sleep(this.options.pollMs ?? 5000, options.signal);
      if (options.signal?.aborted)
        // The execution is the deployed workflow's to finish; this only stops following it.
        throw new InterruptedError(
          name,
          `execution ${executionArn} keeps running on AWS (stop it with aws stepfunctions stop-execution)`,
        );
      const state = await executions.describe(executionArn);
      for (const result of await follower.next()) options.onStep?.(result.step, result.output);
      if (state.status === 'SUCCEEDED') return state.output;
      if (state.status !== 'RUNNING')
        throw new WorkflowFailedError(
          `execution ${executionArn} ${state.status}: ${state.error ?? ''} ${state.cause ?? ''}`.trim(),
        );
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The Orchestrator on AWS, its state machines named by the environment. */
export function openAwsOrchestrator(
  env: NodeJS.ProcessEnv = process.env,
  options: { pollMs?: number } = {},
): StepFunctionsOrchestrator {
  return new StepFunctionsOrchestrator({
    stateMachines: {
      tuning: {
        arn: env[TUNING_CLIENT_ENV.tuningStateMachineArn.name],
        missing: `target aws needs ${TUNING_CLIENT_ENV.tuningStateMachineArn.name} (${outputHint(TUNING_CLIENT_ENV.tuningStateMachineArn)})`,
      },
    },
    env,
    pollMs: options.pollMs,
  });
}
