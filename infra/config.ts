/**
 * Per-environment settings, read from cdk.json context key "quotelab" (override one with
 * `cdk synth -c quotelab='{...}'` or by editing cdk.json). Validated with zod so a typo fails synth
 * with a clear message instead of deploying something unexpected.
 */
import { z } from 'zod';

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653,
] as const;

export const environmentConfigSchema = z.object({
  /** Construct id of the Stage, and the prefix in `cdk synth 'Dev/*'`. */
  stageName: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'stageName must be PascalCase, e.g. "Dev"'),
  /** Target account and region; null leaves the stacks environment-agnostic (synth needs no credentials). */
  account: z
    .string()
    .regex(/^\d{12}$/)
    .nullable()
    .default(null),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/)
    .nullable()
    .default(null),
  /** Keep buckets and tables when the stack is deleted (prod: true). */
  retainData: z.boolean(),
  logRetentionDays: z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
  }),
  /** Athena stops any query that scans more than this many bytes (cost guard). */
  athenaBytesScannedCutoff: z.number().int().min(10_000_000),
  /** Days a replaced or deleted object version is kept in versioned buckets. */
  noncurrentVersionDays: z.number().int().min(1),
});

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema> & { id: string };

const quotelabContextSchema = z.object({
  environments: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), environmentConfigSchema),
});

/** Parses the "quotelab" context value (an object from cdk.json, or a JSON string from `-c`). */
export function parseEnvironments(context: unknown): EnvironmentConfig[] {
  const value = typeof context === 'string' ? JSON.parse(context) : context;
  const parsed = quotelabContextSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid "quotelab" context in cdk.json: ${issues}`);
  }
  return Object.entries(parsed.data.environments).map(([id, config]) => ({ id, ...config }));
}
