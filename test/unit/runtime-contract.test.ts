import { describe, expect, it } from 'vitest';
import {
  ENV_GROUPS,
  EnvironmentError,
  INGEST_ENV,
  METRICS,
  PLATFORM_ENV,
  RUNTIME_VARIABLES,
  SERVICES,
  environmentFor,
  isRequired,
  metricDimensions,
  outputHint,
  readEnvironment,
} from '../../src/core/runtime-contract/index.ts';
import {
  CONTRACT_SIDES,
  findContractLiterals,
  findContractLiteralsInRepo,
} from '../support/contract-literals.ts';

const platformValues = {
  dataBucket: 'data',
  stateTable: 'state',
  ingestLedgerTable: 'ledger',
  glueDatabase: 'db',
  athenaWorkGroup: 'wg',
};

describe('the runtime contract: environment', () => {
  it('builds an environment from a group in the group’s order, and reads it back', () => {
    const environment = environmentFor(PLATFORM_ENV, platformValues);
    expect(Object.keys(environment)).toEqual(Object.values(PLATFORM_ENV).map((v) => v.name));
    expect(readEnvironment(PLATFORM_ENV, environment, { needs: 'test' })).toEqual(platformValues);
  });

  it('names every missing variable (empty counts as missing), in the group’s order, with the hint', () => {
    const environment: Record<string, string | undefined> = environmentFor(PLATFORM_ENV, platformValues);
    environment[PLATFORM_ENV.athenaWorkGroup.name] = '';
    delete environment[PLATFORM_ENV.stateTable.name];
    const read = () =>
      readEnvironment(PLATFORM_ENV, environment, { needs: 'target aws', hint: 'see README' });
    expect(read).toThrow(EnvironmentError);
    expect(read).toThrow(
      `target aws needs ${PLATFORM_ENV.stateTable.name}, ${PLATFORM_ENV.athenaWorkGroup.name} (see README)`,
    );
  });

  it('parses values: defaults apply when absent, and a value that does not parse is named with what it was', () => {
    expect(readEnvironment(INGEST_ENV, {}, { needs: 'the ETL' }).busyWaitMs).toBe(90_000);
    expect(
      readEnvironment(INGEST_ENV, { [INGEST_ENV.busyWaitMs.name]: '0' }, { needs: 'the ETL' }).busyWaitMs,
    ).toBe(0);
    expect(() =>
      readEnvironment(INGEST_ENV, { [INGEST_ENV.busyWaitMs.name]: 'soon' }, { needs: 'the ETL' }),
    ).toThrow(new RegExp(`^the ETL: ${INGEST_ENV.busyWaitMs.name} .+ \\(got "soon"\\)$`));
  });

  it('declares every variable once, and says where an operator finds the ones from stack outputs', () => {
    const names = RUNTIME_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.values(PLATFORM_ENV).every(isRequired)).toBe(true);
    expect(Object.values(ENV_GROUPS.FUNCTION_ENV).some(isRequired)).toBe(false);
    for (const variable of RUNTIME_VARIABLES.filter((v) => v.setBy === 'operator' && isRequired(v)))
      expect(variable.output, `${variable.name}: say which stack output an operator copies`).toBeDefined();
    expect(outputHint(PLATFORM_ENV.dataBucket)).toBe("the Lake stack's DataBucketName output");
  });
});

describe('the runtime contract: metric catalogue', () => {
  it('gives every metric a known service as its one dimension', () => {
    for (const [name, spec] of Object.entries(METRICS)) {
      expect(Object.values(SERVICES), name).toContain(spec.service);
      expect(metricDimensions(name as keyof typeof METRICS)).toEqual({ service: spec.service });
    }
  });
});

describe('no literal bypasses the runtime contract', () => {
  it(`finds none in ${CONTRACT_SIDES.join(', ')}`, () => {
    const { files, findings } = findContractLiteralsInRepo();
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain('lambdas/etl-ingest/handler.ts');
    expect(findings.map((f) => `${f.file}:${f.line} ${f.text} — ${f.rule}`)).toEqual([]);
  });

  it('would find each kind (negative control), and ignores comments', () => {
    const handler = `
      // QUOTELAB_DATA_BUCKET and 'incoming/' in a comment are fine
      import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
      const metrics = new Metrics();
      const bucket = process.env.QUOTELAB_DATA_BUCKET;
      const table = process.env['QUOTELAB_STATE_TABLE'];
      const report = \`reports/studies/\${id}\`;
      const location = \`s3://\${bucket}/lake/\${name}\`;
      stepInput('Start study', schema, event);
      metrics.addMetric('IngestFailures', MetricUnit.Count, 1);
    `;
    expect(findContractLiterals('lambdas/x/handler.ts', handler).map((f) => [f.line, f.text])).toEqual([
      [5, 'QUOTELAB_DATA_BUCKET'],
      [6, "'QUOTELAB_STATE_TABLE'"],
      [7, '`reports/studies/${'],
      [8, '}/lake/${'],
      [9, "'Start study'"],
      [10, 'metrics.addMetric'],
    ]);
    const stack = `
      new NodeFunction(this, 'Etl', {
        serviceName: 'etl-ingest',
        environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_METRICS_NAMESPACE: 'quotelab' },
      });
      bucket.addEventNotification(EventType.OBJECT_CREATED, target, { prefix: 'incoming/', suffix: '.xml' });
      new CfnOutput(this, 'DataBucketName', { value: bucket.bucketName });
      new Alarm(this, 'A', { metric: new cloudwatch.Metric({ namespace: 'quotelab', metricName: 'IngestFailures' }) });
    `;
    expect(findContractLiterals('infra/stacks/x.ts', stack).map((f) => f.text)).toEqual([
      "'etl-ingest'",
      'NODE_OPTIONS',
      'POWERTOOLS_METRICS_NAMESPACE',
      "'incoming/'",
      "'.xml'",
      "'DataBucketName'",
      'cloudwatch.Metric',
    ]);
  });
});
