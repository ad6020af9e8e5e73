/**
 * The inputs of the tuning workflow's Task states, checked with zod where they arrive (a Lambda handler,
 * the local runner), so a malformed payload fails with the field's name instead of deep in a step.
 */
import { z } from 'zod';

export const InitInput = z.object({ spec: z.unknown(), owner: z.string().min(1) });
export const SuggestInput = z.object({ studyId: z.string().min(1), owner: z.string().min(1) });
export const TrialInput = z.object({
  studyId: z.string().min(1),
  number: z.number().int().min(0),
  runner: z.enum(['lambda', 'batch']),
});
export const RecordInput = z.object({ studyId: z.string().min(1), results: z.array(z.unknown()) });
export const FinalizeInput = z.object({ studyId: z.string().min(1), stopReason: z.string().optional() });

/** Parses `input` with `schema`, throwing one error that names the step and every bad field. */
export function stepInput<T>(step: string, schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
  );
  throw new TypeError(`${step}: invalid input: ${problems.join('; ')}`);
}
