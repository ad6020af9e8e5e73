/** Builds the real quotelab app (from cdk.json) for template assertions. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../infra/app.ts';
import { cdkJsonContext } from '../../infra/cdk-json.ts';

export function buildTestApp(
  options: { cloudFormationValidation?: boolean; context?: Record<string, unknown> } = {},
) {
  return buildApp({
    context: { ...cdkJsonContext(), ...options.context },
    outdir: mkdtempSync(join(tmpdir(), 'quotelab-cdk-')),
    // aws-cdk-lib's built-in CloudFormation validation costs seconds per process; one test keeps it on.
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
}
