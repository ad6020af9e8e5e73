/**
 * Checks a synthesized CDK app against the runtime contract (src/core/runtime-contract):
 *
 * - every variable a Lambda function or Batch job is given is declared in the contract;
 * - every variable the deployed code reads (a `readEnvironment(GROUP, …)` anywhere in its entry's import
 *   graph) and cannot do without is given: by the CDK app on the function or job, or, for the Batch trial,
 *   by the workflow's container overrides; a deployed entry never needs an operator's variable;
 * - every function's Powertools service is in SERVICES and its namespace is METRICS_NAMESPACE, and every
 *   metric its code emits (`emitMetric(…, 'Name', …)`) is a catalogue entry of that service;
 * - every alarm on a custom metric watches a catalogue entry, in its namespace, with its unit and its
 *   `service` dimension, emitted by a function of the same stage;
 * - the tuning workflow's Task states are TUNING_TASKS, and the variables its Batch state sets are
 *   declared as set by the workflow.
 *
 * Returns the violations as sentences (empty when the app keeps the contract).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnJobDefinition } from 'aws-cdk-lib/aws-batch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { NodeFunction } from '../../infra/constructs/node-function.ts';
import { TrialBatch } from '../../infra/constructs/trial-batch.ts';
import { TUNING_ASL_PATH } from '../../infra/stacks/research-stack.ts';
import {
  ENV_GROUPS,
  FUNCTION_ENV,
  METRICS,
  METRICS_NAMESPACE,
  RUNTIME_VARIABLES,
  SERVICES,
  SERVICE_DIMENSION,
  TUNING_TASKS,
  isMetricName,
  isRequired,
} from '../../src/core/runtime-contract/index.ts';
import type { EnvVariable } from '../../src/core/runtime-contract/index.ts';
import { ROOT } from '../support/contract-literals.ts';

/** The Batch image's entry (containers/batch/Dockerfile bundles it). */
export const BATCH_ENTRY = 'containers/batch/entry.ts';
/** Where `emitMetric` is defined (its own signature is not an emission). */
const METRIC_EMITTER = 'src/adapters/aws/metrics.ts';

type Json = Record<string, unknown>;
const declared = new Map(RUNTIME_VARIABLES.map((v) => [v.name, v]));
const services = new Set<string>(Object.values(SERVICES));

interface EntryReads {
  /** Variables read through `readEnvironment` that the code cannot do without. */
  needs: EnvVariable[];
  /** Catalogue names passed to `emitMetric`, and emissions whose name is not a literal. */
  emits: string[];
  problems: string[];
}

const entryCache = new Map<string, EntryReads>();

/** What an entry's code reads and emits: its import graph (esbuild, packages left out), scanned. */
export function entryReads(entry: string): EntryReads {
  const cached = entryCache.get(entry);
  if (cached) return cached;
  const { metafile } = buildSync({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const needs = new Map<string, EnvVariable>();
  const emits = new Set<string>();
  const problems: string[] = [];
  const groups: Record<string, Record<string, EnvVariable>> = ENV_GROUPS;
  for (const file of Object.keys(metafile.inputs)) {
    if (file.startsWith('src/core/runtime-contract/')) continue;
    const source = readFileSync(join(ROOT, file), 'utf8');
    for (const [, group] of source.matchAll(/\breadEnvironment\(\s*([A-Za-z_$][\w$]*)/g)) {
      const variables = groups[group!];
      if (!variables) {
        problems.push(`${file} reads ${group}, which is not a group of the runtime contract`);
        continue;
      }
      for (const variable of Object.values(variables))
        if (isRequired(variable)) needs.set(variable.name, variable);
    }
    if (file === METRIC_EMITTER) continue;
    for (const [, name] of source.matchAll(/\bemitMetric\(\s*[^,]+,\s*([^,]+),/g)) {
      const literal = /^'(\w+)'$/.exec(name!.trim());
      if (literal) emits.add(literal[1]!);
      else problems.push(`${file} emits a metric named by ${name!.trim()}: name it with a literal`);
    }
  }
  const reads = { needs: [...needs.values()], emits: [...emits], problems };
  entryCache.set(entry, reads);
  return reads;
}

/** Every state of an ASL definition, nested Map and Parallel states included. */
function aslStates(definition: Json): Array<[string, Json]> {
  const states = Object.entries((definition.States ?? {}) as Record<string, Json>);
  return states.flatMap(([name, state]) => [
    [name, state] as [string, Json],
    ...[state.ItemProcessor, state.Iterator, ...((state.Branches as Json[] | undefined) ?? [])]
      .filter((inner): inner is Json => inner !== undefined)
      .flatMap(aslStates),
  ]);
}

/** Variables the workflow's Batch states set in the container overrides. */
export function workflowVariables(definition: Json): string[] {
  return aslStates(definition).flatMap(([, state]) => {
    const overrides = (state.Parameters as Json | undefined)?.ContainerOverrides as Json | undefined;
    return ((overrides?.Environment as Array<{ Name: string }> | undefined) ?? []).map((e) => e.Name);
  });
}

export function aslViolations(definition: Json): string[] {
  const violations: string[] = [];
  const tasks = aslStates(definition)
    .filter(([, state]) => state.Type === 'Task')
    .map(([name]) => name)
    .sort();
  const expected = Object.values(TUNING_TASKS).sort();
  if (JSON.stringify(tasks) !== JSON.stringify(expected))
    violations.push(
      `tuning workflow: Task states ${JSON.stringify(tasks)} are not TUNING_TASKS ${JSON.stringify(expected)}`,
    );
  for (const name of workflowVariables(definition)) {
    const variable = declared.get(name);
    if (!variable) violations.push(`tuning workflow: sets ${name}, which is not in the runtime contract`);
    else if (variable.setBy !== 'workflow')
      violations.push(`tuning workflow: sets ${name}, declared as set by ${variable.setBy}`);
  }
  return violations;
}

export function readTuningAsl(): Json {
  return JSON.parse(readFileSync(TUNING_ASL_PATH, 'utf8')) as Json;
}

interface MetricRef {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Unit?: string;
}

function alarmMetrics(alarm: Json): MetricRef[] {
  const refs: MetricRef[] = [];
  if (alarm.Namespace !== undefined) refs.push(alarm as MetricRef);
  for (const query of (alarm.Metrics as Json[] | undefined) ?? []) {
    const stat = query.MetricStat as { Metric: MetricRef; Unit?: string } | undefined;
    if (stat) refs.push({ ...stat.Metric, Unit: stat.Unit });
  }
  return refs;
}

export function runtimeContractViolations(app: App, asl: Json = readTuningAsl()): string[] {
  const violations = [...aslViolations(asl)];
  const providedByWorkflow = new Set(workflowVariables(asl));
  const stages = app.node.children.filter((c): c is Stage => Stage.isStage(c));
  for (const stage of stages) {
    const stacks = stage.node.children.filter((c): c is Stack => Stack.isStack(c));
    const templates = new Map(stacks.map((stack) => [stack, Template.fromStack(stack).toJSON()]));
    const stageServices = new Set<string>();

    for (const [stack, template] of templates) {
      const resources = (template.Resources ?? {}) as Record<string, { Type: string; Properties: Json }>;
      const where = (id: string) => `${stack.node.path}/${id}`;
      const envOf = (id: string): Record<string, unknown> => {
        const props = resources[id]!.Properties;
        if (resources[id]!.Type === 'AWS::Batch::JobDefinition') {
          const environment = ((props.ContainerProperties as Json).Environment ?? []) as Array<{
            Name: string;
            Value: unknown;
          }>;
          return Object.fromEntries(environment.map((e) => [e.Name, e.Value]));
        }
        return ((props.Environment as Json | undefined)?.Variables ?? {}) as Record<string, unknown>;
      };

      // Declared: every variable of every function and job.
      for (const [id, resource] of Object.entries(resources)) {
        if (resource.Type !== 'AWS::Lambda::Function' && resource.Type !== 'AWS::Batch::JobDefinition')
          continue;
        for (const name of Object.keys(envOf(id)))
          if (!declared.has(name)) violations.push(`${where(id)}: ${name} is not in the runtime contract`);
      }

      // Given: what the deployed code needs, on the function or job that runs it.
      const deployed: Array<{ id: string; entry: string; kind: 'function' | 'batch' }> = [
        ...stack.node
          .findAll()
          .filter((c): c is NodeFunction => c instanceof NodeFunction)
          .map((fn) => ({
            id: stack.getLogicalId(fn.function.node.defaultChild as CfnFunction),
            entry: fn.entry,
            kind: 'function' as const,
          })),
        ...stack.node
          .findAll()
          .filter((c): c is TrialBatch => c instanceof TrialBatch)
          .map((batch) => ({
            id: stack.getLogicalId(batch.jobDefinition.node.defaultChild as CfnJobDefinition),
            entry: BATCH_ENTRY,
            kind: 'batch' as const,
          })),
      ];
      for (const { id, entry, kind } of deployed) {
        const environment = envOf(id);
        const reads = entryReads(entry);
        violations.push(...reads.problems.map((p) => `${where(id)} (${entry}): ${p}`));
        for (const variable of reads.needs) {
          const given =
            variable.setBy === 'cdk'
              ? variable.name in environment
              : variable.setBy === 'workflow' && kind === 'batch' && providedByWorkflow.has(variable.name);
          if (!given)
            violations.push(
              `${where(id)} (${entry}): needs ${variable.name} (set by ${variable.setBy}), which it is not given`,
            );
        }
        if (kind !== 'function') continue;
        const service = environment[FUNCTION_ENV.serviceName.name];
        const namespace = environment[FUNCTION_ENV.metricsNamespace.name];
        if (typeof service !== 'string' || !services.has(service))
          violations.push(`${where(id)}: service ${JSON.stringify(service)} is not in SERVICES`);
        else stageServices.add(service);
        if (namespace !== METRICS_NAMESPACE)
          violations.push(
            `${where(id)}: metrics namespace ${JSON.stringify(namespace)} is not METRICS_NAMESPACE`,
          );
        for (const name of reads.emits) {
          if (!isMetricName(name))
            violations.push(`${where(id)} (${entry}): emits ${name}, not in the catalogue`);
          else if (METRICS[name].service !== service)
            violations.push(
              `${where(id)} (${entry}): emits ${name} as service ${JSON.stringify(service)}; the catalogue says ${METRICS[name].service}`,
            );
        }
      }
    }

    // Watched: alarms on custom metrics watch catalogue entries exactly as they are emitted.
    for (const [stack, template] of templates) {
      const resources = (template.Resources ?? {}) as Record<string, { Type: string; Properties: Json }>;
      for (const [id, resource] of Object.entries(resources)) {
        if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
        const where = `${stack.node.path}/${id}`;
        for (const metric of alarmMetrics(resource.Properties)) {
          if (metric.Namespace === undefined || metric.Namespace.startsWith('AWS/')) continue;
          const label = `${metric.Namespace}/${metric.MetricName}`;
          if (metric.Namespace !== METRICS_NAMESPACE) {
            violations.push(`${where}: watches ${label}, outside METRICS_NAMESPACE`);
            continue;
          }
          const name = metric.MetricName ?? '';
          if (!isMetricName(name)) {
            violations.push(`${where}: watches ${label}, not in the catalogue`);
            continue;
          }
          const spec = METRICS[name];
          const expected = [{ Name: SERVICE_DIMENSION, Value: spec.service }];
          if (JSON.stringify(metric.Dimensions ?? []) !== JSON.stringify(expected))
            violations.push(
              `${where}: watches ${label} with dimensions ${JSON.stringify(metric.Dimensions ?? [])}; it is emitted with ${JSON.stringify(expected)}`,
            );
          if (metric.Unit !== undefined && metric.Unit !== spec.unit)
            violations.push(`${where}: watches ${label} in ${metric.Unit}; it is emitted in ${spec.unit}`);
          if (!stageServices.has(spec.service))
            violations.push(
              `${where}: watches ${label}, but no function of ${stage.stageName} is ${spec.service}`,
            );
        }
      }
    }
  }
  return violations;
}
