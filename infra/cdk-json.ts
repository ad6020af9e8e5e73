import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The "context" of cdk.json, for building the app outside the CDK CLI (tests, scripts). */
export function cdkJsonContext(): Record<string, unknown> {
  const file = fileURLToPath(new URL('../cdk.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { context: Record<string, unknown> }).context;
}
