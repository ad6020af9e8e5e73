/**
 * The runtime contract: what the CDK app and the code it deploys must agree on, declared once and
 * imported by both sides (infra/, lambdas/, containers/, src/adapters/aws, src/usecases). Pure: no AWS
 * SDK, no CDK, no node: imports. test/unit/runtime-contract.test.ts fails on a literal that bypasses it;
 * test/infra/runtime-contract.test.ts checks the synthesized templates against it.
 */
export * from './env.ts';
export * from './metrics.ts';
export * from './prefixes.ts';
export * from './workflow.ts';
