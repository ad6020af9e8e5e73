/**
 * A tuning study's specification: the Step Functions execution input of `stepfunctions/tuning.asl.json`
 * and the file `quotelab tune --spec` reads. Validated with zod; every field is documented in
 * docs/research.md. Defaults reproduce Seed B's phase 3: tune A&S's γ, κ and spread bounds by TPE,
 * against Seed B's manual defaults (γ = 1.0, κ = 1000, spread clamp 0.1 %–1 %).
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const paramValue = z.union([z.number(), z.string(), z.boolean()]);

const numericParam = z
  .object({
    low: z.number(),
    high: z.number(),
    log: z.boolean().optional(),
    step: z.number().positive().optional(),
  })
  .refine((p) => p.low <= p.high, 'low must be ≤ high')
  .refine((p) => !p.log || p.low > 0, 'a log-scale parameter needs low > 0');

export const ParamSpecSchema = z.union([
  numericParam.and(z.object({ type: z.literal('float') })),
  numericParam.and(z.object({ type: z.literal('int') })),
  z.object({ type: z.literal('categorical'), choices: z.array(paramValue).min(1) }),
]);

export const SamplerSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('tpe'),
    nStartupTrials: z.number().int().min(0).optional(),
    nEiCandidates: z.number().int().min(1).optional(),
    multivariate: z.boolean().optional(),
    constantLiar: z.boolean().optional(),
    priorWeight: z.number().positive().optional(),
    considerEndpoints: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('random') }),
  z.object({ kind: z.literal('grid'), grid: z.record(z.string(), z.array(paramValue).min(1)).optional() }),
]);

export const WalkForwardSchema = z.object({
  mode: z.enum(['rolling', 'expanding']).default('rolling'),
  trainDays: z.number().int().min(1).default(2),
  validateDays: z.number().int().min(1).default(1),
  embargoDays: z.number().int().min(0).default(0),
  testDays: z.number().int().min(1).default(1),
  maxFolds: z.number().int().min(1).optional(),
});

/** Seed B's manual parameters: what a tuned study must beat out of sample. */
export const SEED_B_MANUAL_PARAMS: Readonly<Record<string, number>> = Object.freeze({
  gamma: 1.0,
  kappa: 1000,
  minSpreadFraction: 0.001,
  maxSpreadFraction: 0.01,
});

/** Seed B's phase-3 search space: γ in [0.1, 2], κ in [100, 5000], and the spread clamp around its defaults. */
export const SEED_B_SEARCH_SPACE = Object.freeze({
  gamma: { type: 'float', low: 0.1, high: 2.0, log: true },
  kappa: { type: 'float', low: 100, high: 5000, log: true },
  minSpreadFraction: { type: 'float', low: 0.0002, high: 0.005, log: true },
  maxSpreadFraction: { type: 'float', low: 0.005, high: 0.05, log: true },
} as const);

export const StudySpecSchema = z
  .object({
    /**
     * Names the study in the store and its report's folder (`reports/studies/<id>/`); rerunning a spec with
     * the same id resumes it. Default: a hash of the spec. It starts with a letter or digit, so `.`, `..`
     * and hidden names cannot leave or hide in the reports folder; no slashes.
     */
    studyId: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
        'letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64 (no "..", no slashes)',
      )
      .optional(),
    strategy: z.enum(['as']).default('as'),
    /** The KRX ticks: silver_ticks in the lake (pinned to its current snapshot at init), or XML files (local). */
    data: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('table'), from: isoDate.optional(), to: isoDate.optional() }),
        z.object({ kind: z.literal('files'), paths: z.array(z.string()).min(1) }),
      ])
      .default({ kind: 'table' }),
    codes: z.array(z.string()).optional(),
    space: z.record(z.string(), ParamSpecSchema).default(SEED_B_SEARCH_SPACE as never),
    /** Parameters every trial uses as given (`quotelab backtest --param` keys, e.g. "risk.maxDailyLoss"). */
    fixedParams: z.record(z.string(), paramValue).default({}),
    /** The manual parameters the tuned ones are compared with out of sample. */
    baseline: z.record(z.string(), paramValue).default({ ...SEED_B_MANUAL_PARAMS }),
    objective: z
      .object({
        name: z.enum(['pnl', 'sharpe', 'utility']).default('pnl'),
        riskAversion: z.number().min(0).default(1),
      })
      .default({ name: 'pnl', riskAversion: 1 }),
    direction: z.enum(['maximize', 'minimize']).default('maximize'),
    // Batches of trials run together: the constant liar keeps a batch from piling onto one point.
    sampler: SamplerSpecSchema.default({ kind: 'tpe', constantLiar: true }),
    seed: z.union([z.number().int(), z.string()]).default(0),
    budget: z.object({
      trials: z.number().int().min(1).max(10_000),
      /** Trials suggested (and run) together. */
      parallelism: z.number().int().min(1).max(256).default(4),
      /** Stop early after this many complete trials without a better value. */
      patience: z.number().int().min(1).optional(),
    }),
    walkForward: WalkForwardSchema.default({
      mode: 'rolling',
      trainDays: 2,
      validateDays: 1,
      embargoDays: 0,
      testDays: 1,
    }),
    /** Where trials run: Lambda, Batch, or by size ('auto': Batch above `batchAboveEvents` events per trial). */
    runner: z.enum(['lambda', 'batch', 'auto']).default('auto'),
    batchAboveEvents: z.number().int().positive().default(2_000_000),
  })
  .strict()
  .superRefine((spec, context) => {
    const events = workflowHistoryEvents(spec.budget.trials, spec.budget.parallelism);
    if (events > MAX_HISTORY_EVENTS) {
      context.addIssue({
        code: 'custom',
        path: ['budget'],
        message:
          `${spec.budget.trials} trials ${spec.budget.parallelism} at a time take about ${events} Step Functions history ` +
          `events, over the ${MAX_HISTORY_EVENTS} this workflow allows itself (AWS stops an execution at 25,000): ` +
          'raise parallelism or split the study',
      });
    }
  });

/** Headroom under Step Functions' 25,000-event execution history (retries and Batch add events). */
export const MAX_HISTORY_EVENTS = 20_000;

/**
 * History events of a study in one Standard execution: per batch of P trials, Suggest (5) + Choice (2) +
 * Map (4) + 9 per iteration + Record (5); the workflow's loop stays in one execution.
 */
export function workflowHistoryEvents(trials: number, parallelism: number): number {
  return Math.ceil(trials / parallelism) * (16 + 9 * parallelism) + 10;
}

export type StudySpec = z.infer<typeof StudySpecSchema>;
export type StudySpecInput = z.input<typeof StudySpecSchema>;

/** Parses a spec, or throws one error listing every problem with its field path. */
export function parseStudySpec(input: unknown): StudySpec {
  const parsed = StudySpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(spec)'}: ${issue.message}`,
  );
  throw new StudySpecError(`invalid study spec:\n  ${problems.join('\n  ')}`);
}

export class StudySpecError extends Error {
  override name = 'StudySpecError';
}
