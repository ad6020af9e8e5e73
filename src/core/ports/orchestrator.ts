/**
 * Runs the platform's workflows. Each workflow is one ASL file under `stepfunctions/`, the same file on
 * both targets (decision 0004): a Step Functions execution on AWS, the file interpreted in-process on this
 * machine. Use cases start a workflow and follow its steps through this port; they never ask where it runs.
 */

/** The workflows there are, by the name use cases know them. */
export type WorkflowName = 'tuning';

export interface WorkflowRunOptions {
  /**
   * Each Task state's result as the task succeeds, in order: locally from the interpreter, on AWS from
   * the execution's history (TaskSucceeded events, named by the state that scheduled them).
   */
  onStep?: (step: string, output: unknown) => void;
  /**
   * Stops the run (Ctrl-C). Locally the execution is aborted at once, unless a task that finishes once
   * begun is running (the study's report): then it completes. The promise then rejects with
   * `InterruptedError`; what the steps committed stays.
   */
  signal?: AbortSignal;
}

export interface Orchestrator {
  /** Runs one execution of `workflow` on `input` to its end: resolves with its output, rejects with its error. */
  run(workflow: WorkflowName, input: unknown, options?: WorkflowRunOptions): Promise<unknown>;
  /** Where workflows run, for `quotelab doctor` and logs. */
  describe(): string;
}

/** The execution ended in a state other than success (failed, timed out, aborted elsewhere). */
export class WorkflowFailedError extends Error {
  override readonly name = 'WorkflowFailedError';
}
