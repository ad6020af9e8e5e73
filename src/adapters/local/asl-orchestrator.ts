/**
 * The Orchestrator port on this machine: a workflow's ASL file — the very file Step Functions runs —
 * interpreted in-process by aws-local-stepfunctions, each Task state mapped to a local function (what its
 * Lambda or Batch container would run). Which functions those are is the caller's to say (the local
 * runner, `local-runner/`), so this adapter knows ASL and nothing of studies.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { InterruptedError, throwIfInterrupted } from '../../core/concurrency/interrupt.ts';
import type { Orchestrator, WorkflowName, WorkflowRunOptions } from '../../core/ports/orchestrator.ts';

export type TaskHandler = (input: unknown) => Promise<unknown>;

/** The interpreter's handler map (its JSON value type is not exported). */
type LocalHandlers = NonNullable<
  NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['overrides']>['taskResourceLocalHandlers']
>;
type JSONValue = Awaited<ReturnType<LocalHandlers[string]>>;

/** What one execution runs: a handler per Task state, and what to release when it ends. */
export interface LocalTasks {
  handlers: Readonly<Record<string, TaskHandler>>;
  /** Task states that, once begun, finish even when the run is stopped (writing the study's report). */
  finishOnceBegun?: readonly string[];
  close?: () => Promise<void>;
}

export interface LocalWorkflow {
  /** The ASL file. */
  file: string;
  /** The values of its `${Name}` substitutions here (CDK's definitionSubstitutions on AWS). */
  substitutions: Readonly<Record<string, string>>;
  /** The tasks of one execution (fresh per run: a worker pool lives as long as its execution). */
  tasks: () => LocalTasks;
}

/** The ASL text with `${Name}` replaced, as CDK's definitionSubstitutions do; an unknown name is an error. */
export function substituteDefinition(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the workflow uses \${${name}}, which has no substitution`);
    return value;
  });
}

export class AslOrchestrator implements Orchestrator {
  private readonly workflows: Partial<Record<WorkflowName, LocalWorkflow>>;

  constructor(workflows: Partial<Record<WorkflowName, LocalWorkflow>>) {
    this.workflows = workflows;
  }

  describe(): string {
    return `in-process ASL interpreter (aws-local-stepfunctions): ${Object.keys(this.workflows).join(', ')}`;
  }

  async run(name: WorkflowName, input: unknown, options: WorkflowRunOptions = {}): Promise<unknown> {
    const workflow = this.workflows[name];
    if (!workflow) throw new Error(`no local definition of the ${name} workflow`);
    const { signal, onStep } = options;
    throwIfInterrupted(signal, name, 'nothing was written');
    const definition = JSON.parse(
      substituteDefinition(readFileSync(workflow.file, 'utf8'), workflow.substitutions),
    ) as object;
    const machine = new StateMachine(definition as never);
    const tasks = workflow.tasks();
    const finishing = new Set<Promise<unknown>>();
    let execution: ReturnType<StateMachine['run']> | undefined;
    const stop = () => {
      if (finishing.size > 0) return; // a task that finishes once begun is running: let the run complete
      execution?.abort();
      void tasks.close?.();
    };
    const handlers: LocalHandlers = {};
    for (const [step, handler] of Object.entries(tasks.handlers)) {
      const finishOnceBegun = tasks.finishOnceBegun?.includes(step) ?? false;
      handlers[step] = async (stepInput) => {
        if (finishOnceBegun) throwIfInterrupted(signal, name, `stopped before ${step}`);
        const running = handler(stepInput);
        if (finishOnceBegun) finishing.add(running);
        const output = await running;
        onStep?.(step, output);
        return output as JSONValue; // our steps return plain JSON objects
      };
    }
    signal?.addEventListener('abort', stop, { once: true });
    try {
      execution = machine.run(input as never, {
        context: {
          Execution: {
            Id: `arn:aws:states:local:000000000000:execution:quotelab-${name}:${randomUUID()}`,
            Input: input as never,
            StartTime: new Date().toISOString(),
          },
        },
        overrides: {
          taskResourceLocalHandlers: handlers,
          // The definition's retries wait seconds between attempts against a cloud service; here a retry
          // is the same function again, at once.
          retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((step) => [step, 0])),
        },
      });
      try {
        return await execution.result;
      } catch (error) {
        if (signal?.aborted) throw new InterruptedError(name, 'the execution was stopped');
        throw error; // a task's own error, as its Lambda would have raised it
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      await tasks.close?.();
    }
  }
}
