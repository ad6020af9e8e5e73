/**
 * The environment variables shared by the CDK app (which sets them) and the runtime (which reads them),
 * declared once. Infrastructure builds environments with `environmentFor`; runtime code reads a group
 * with `readEnvironment`, which parses every variable and names each missing or invalid one.
 */
import { z } from 'zod';

/** Who gives a variable its value. */
export type EnvSource =
  /** The CDK app, on every function or Batch job that needs it. */
  | 'cdk'
  /** The tuning state machine, per task (the Batch job's container overrides). */
  | 'workflow'
  /** Whoever runs the code: an operator's shell for the CLI, a test. Never set by the CDK app. */
  | 'operator';

export interface EnvVariable<N extends string = string, T = unknown> {
  readonly name: N;
  readonly setBy: EnvSource;
  readonly description: string;
  /** Parses the raw value; absent and empty both arrive as `undefined`. */
  readonly schema: z.ZodType<T>;
  /** The stack output an operator copies into the variable (README "Deploy"). */
  readonly output?: { readonly stack: 'State' | 'Lake' | 'Research'; readonly name: string };
}

/** A named set of variables read or written together (keys are how code refers to them). */
export type EnvGroup = Readonly<Record<string, EnvVariable>>;

const resourceName = z.string().min(1);
/** Set on every function for the Node runtime or Powertools; our code does not read them. */
const passThrough = z.string().optional();

/** The deployment's resources: what `openAwsPlatform` needs. Set by the CDK app on every function and job. */
export const PLATFORM_ENV = {
  dataBucket: {
    name: 'QUOTELAB_DATA_BUCKET',
    setBy: 'cdk',
    description: 'The data bucket (incoming/, processed/, lake/, reports/).',
    schema: resourceName,
    output: { stack: 'Lake', name: 'DataBucketName' },
  },
  stateTable: {
    name: 'QUOTELAB_STATE_TABLE',
    setBy: 'cdk',
    description: 'The single-table platform state (studies, registry, flags, commit locks).',
    schema: resourceName,
    output: { stack: 'State', name: 'StateTableName' },
  },
  ingestLedgerTable: {
    name: 'QUOTELAB_INGEST_LEDGER_TABLE',
    setBy: 'cdk',
    description: 'The ingest ledger (one claim per source file).',
    schema: resourceName,
    output: { stack: 'Lake', name: 'IngestLedgerTableName' },
  },
  glueDatabase: {
    name: 'QUOTELAB_GLUE_DATABASE',
    setBy: 'cdk',
    description: 'The Glue database of the lake tables (the Iceberg namespace).',
    schema: resourceName,
    output: { stack: 'Lake', name: 'GlueDatabaseName' },
  },
  athenaWorkGroup: {
    name: 'QUOTELAB_ATHENA_WORKGROUP',
    setBy: 'cdk',
    description: 'The Athena workgroup queries run in.',
    schema: resourceName,
    output: { stack: 'Lake', name: 'AthenaWorkGroupName' },
  },
} as const satisfies EnvGroup;

/** What every Lambda function gets from `NodeFunction`. */
export const FUNCTION_ENV = {
  nodeOptions: {
    name: 'NODE_OPTIONS',
    setBy: 'cdk',
    description: 'Node flags: source maps, and a heap cap where a function needs one.',
    schema: passThrough,
  },
  serviceName: {
    name: 'POWERTOOLS_SERVICE_NAME',
    setBy: 'cdk',
    description: 'Powertools service: in every log line, and the `service` dimension of every metric.',
    schema: passThrough,
  },
  metricsNamespace: {
    name: 'POWERTOOLS_METRICS_NAMESPACE',
    setBy: 'cdk',
    description: 'Powertools metrics namespace (METRICS_NAMESPACE).',
    schema: passThrough,
  },
  logLevel: {
    name: 'POWERTOOLS_LOG_LEVEL',
    setBy: 'cdk',
    description: 'Powertools log level.',
    schema: passThrough,
  },
  stack: {
    name: 'QUOTELAB_STACK',
    setBy: 'cdk',
    description: 'The stack the function belongs to (for people reading its configuration).',
    schema: passThrough,
  },
} as const satisfies EnvGroup;

/** The Batch trial container's input. */
export const TRIAL_ENV = {
  trial: {
    name: 'QUOTELAB_TRIAL',
    setBy: 'workflow',
    description:
      'The trial to run, as JSON: the "Run trial on Batch" state puts it in the container overrides.',
    schema: z.string().min(1),
  },
} as const satisfies EnvGroup;

/** The ETL handler's tuning knobs (the deployed functions run on the defaults). */
export const INGEST_ENV = {
  busyWaitMs: {
    name: 'QUOTELAB_INGEST_BUSY_WAIT_MS',
    setBy: 'operator',
    description: 'How long an invocation waits for another live worker holding its key (default 90 s).',
    schema: z.coerce.number().nonnegative().default(90_000),
  },
} as const satisfies EnvGroup;

/** The AWS adapters' client settings beyond the SDK's own variables. */
export const AWS_CLIENT_ENV = {
  s3PathStyle: {
    name: 'QUOTELAB_S3_PATH_STYLE',
    setBy: 'operator',
    description: '"true": path-style S3 addressing (implied by AWS_ENDPOINT_URL, for emulators).',
    schema: z
      .string()
      .optional()
      .transform((value) => value === 'true'),
  },
} as const satisfies EnvGroup;

/** What `quotelab --target aws tune` needs besides the platform. */
export const TUNING_CLIENT_ENV = {
  tuningStateMachineArn: {
    name: 'QUOTELAB_TUNING_STATE_MACHINE_ARN',
    setBy: 'operator',
    description: 'The deployed tuning state machine.',
    schema: resourceName,
    output: { stack: 'Research', name: 'TuningStateMachineArn' },
  },
} as const satisfies EnvGroup;

/** Every group, by name. */
export const ENV_GROUPS = {
  PLATFORM_ENV,
  FUNCTION_ENV,
  TRIAL_ENV,
  INGEST_ENV,
  AWS_CLIENT_ENV,
  TUNING_CLIENT_ENV,
} as const;

type AllVariables = { [G in keyof typeof ENV_GROUPS]: (typeof ENV_GROUPS)[G][keyof (typeof ENV_GROUPS)[G]] };

/** The name of a variable in the contract. */
export type RuntimeEnvName = AllVariables[keyof AllVariables]['name'];

/** Every variable in the contract. */
export const RUNTIME_VARIABLES: readonly EnvVariable[] = Object.values(ENV_GROUPS).flatMap(
  (group): EnvVariable[] => Object.values(group),
);

/** Whether code that reads the variable fails without it. */
export function isRequired(variable: EnvVariable): boolean {
  return !variable.schema.safeParse(undefined).success;
}

/** An environment for a function or job (CDK side): the group's variable names, in the group's order. */
export function environmentFor<G extends EnvGroup>(
  group: G,
  values: { readonly [K in keyof G]: string },
): Record<G[keyof G]['name'], string> {
  const environment: Record<string, string> = {};
  for (const [key, spec] of Object.entries(group)) environment[spec.name] = values[key as keyof G];
  return environment as Record<G[keyof G]['name'], string>;
}

export type EnvValues<G extends EnvGroup> = { readonly [K in keyof G]: z.output<G[K]['schema']> };

/** A required variable is missing or a variable's value does not parse. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
  readonly missing: readonly string[];
  readonly invalid: readonly string[];
  constructor(message: string, missing: readonly string[], invalid: readonly string[]) {
    super(message);
    this.missing = missing;
    this.invalid = invalid;
  }
}

/**
 * Reads and parses a group of variables (runtime side). Throws `EnvironmentError` naming every missing
 * and every invalid variable: "<needs> needs A, B (<hint>)", "<needs>: C must be … (got "x")".
 */
export function readEnvironment<G extends EnvGroup>(
  group: G,
  env: Readonly<Record<string, string | undefined>>,
  context: { needs: string; hint?: string },
): EnvValues<G> {
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const [key, spec] of Object.entries(group)) {
    const raw = env[spec.name] === '' ? undefined : env[spec.name];
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else if (raw === undefined) missing.push(spec.name);
    else
      invalid.push(
        `${spec.name} ${parsed.error.issues.map((issue) => issue.message).join('; ')} (got ${JSON.stringify(raw)})`,
      );
  }
  if (missing.length === 0 && invalid.length === 0) return values as EnvValues<G>;
  const problems = [
    ...(missing.length > 0
      ? [`${context.needs} needs ${missing.join(', ')}${context.hint ? ` (${context.hint})` : ''}`]
      : []),
    ...(invalid.length > 0 ? [`${context.needs}: ${invalid.join('; ')}`] : []),
  ];
  throw new EnvironmentError(problems.join('; '), missing, invalid);
}

/** "the Research stack's TuningStateMachineArn output": where an operator finds a variable's value. */
export function outputHint(variable: EnvVariable): string | undefined {
  return variable.output && `the ${variable.output.stack} stack's ${variable.output.name} output`;
}
