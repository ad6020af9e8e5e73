import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseEnvironments } from './config.ts';
import { QuotelabStage } from './stages/quotelab-stage.ts';

/**
 * Builds the quotelab CDK app: one Stage per environment in cdk.json, with cdk-nag's AwsSolutions
 * checks on everything (an unacknowledged finding fails synth).
 *
 * CDK evaluates validation plugins per Stage assembly, so the pack is registered on every Stage; it is
 * one instance, so CDK runs it once (it walks the whole app tree itself).
 */
export function buildApp(props: AppProps = {}): { app: App; stages: QuotelabStage[] } {
  const app = new App(props);
  const stages = parseEnvironments(app.node.tryGetContext('quotelab')).map(
    (config) =>
      new QuotelabStage(app, config.stageName, {
        config,
        env:
          config.account || config.region
            ? { account: config.account ?? undefined, region: config.region ?? undefined }
            : undefined,
      }),
  );
  const awsSolutions = new AwsSolutionsChecks(app, { verbose: true });
  for (const stage of [app, ...stages]) Validations.of(stage).addPlugins(awsSolutions);
  return { app, stages };
}
