import { resolve } from 'node:path';
import { openAwsPlatform } from '../adapters/aws/aws-platform.ts';
import { openAwsOrchestrator } from '../adapters/aws/step-functions.ts';
import { openLocalPlatform } from '../adapters/local/local-platform.ts';
import type { Orchestrator } from '../core/ports/orchestrator.ts';
import type { Platform, Target } from '../core/platform.ts';
import { openLocalOrchestrator } from '../../local-runner/tuning.ts';

/** The global options every command sees. */
export interface GlobalOptions {
  home: string;
  json: boolean;
  target: Target;
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.QUOTELAB_HOME ?? '.quotelab';
}

export function openPlatform(options: GlobalOptions): Platform {
  return options.target === 'aws' ? openAwsPlatform() : openLocalPlatform(resolve(options.home));
}

/**
 * Where workflows run for a target: the deployed state machines on AWS, the same ASL files interpreted
 * here with the local runner (`workers` trial threads) otherwise.
 */
export function openOrchestrator(
  options: GlobalOptions,
  platform: Platform,
  local: { workers?: number } = {},
): Orchestrator {
  return options.target === 'aws'
    ? openAwsOrchestrator()
    : openLocalOrchestrator(platform, { home: resolve(options.home), workers: local.workers });
}

/** Thrown for problems the user can fix; printed as one line without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
