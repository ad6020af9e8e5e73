/**
 * State names of the tuning workflow (`stepfunctions/tuning.asl.json`, the source of the workflow): the
 * local runner maps each Task state to its use-case function by these names, and the handlers name their
 * step in input errors with them. The ASL's substitution placeholders are the Research stack's business
 * (checked against the file by its test).
 */
export const TUNING_TASKS = {
  start: 'Start study',
  suggest: 'Suggest trials',
  runOnLambda: 'Run trial on Lambda',
  runOnBatch: 'Run trial on Batch',
  record: 'Record results',
  finalize: 'Evaluate out of sample',
} as const;

export type TuningTask = (typeof TUNING_TASKS)[keyof typeof TUNING_TASKS];
