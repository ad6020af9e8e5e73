import { resolve } from 'node:path';
import { openAwsPlatform } from '../adapters/aws/aws-platform.ts';
import { openLocalPlatform } from '../adapters/local/local-platform.ts';
import type { Platform, Target } from '../core/ports/platform.ts';

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

/** Thrown for problems the user can fix; printed as one line without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
