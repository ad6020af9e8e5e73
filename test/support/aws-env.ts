/**
 * Per-file setup of the AWS-API tier: points the AWS SDK (through the variables our adapters read) at the
 * emulator with dummy credentials, and offers helpers to reset it and to name resources uniquely.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

const endpoint = inject('awsEndpoint');
const emulator = inject('awsEmulator');

if (endpoint) {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_PROFILE;
}

/** True when this run has no AWS endpoint (developer opt-out outside CI). */
export const awsTierSkipped = emulator === 'skipped';
export const awsEmulator = emulator;

/** Clears moto's state (between suites). Endpoints we did not start are left alone: suites use unique names. */
export async function resetEmulator(): Promise<void> {
  if (emulator !== 'moto' || !endpoint) return;
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
}

/** A resource name no other suite or run uses. */
export function uniqueName(base: string): string {
  return `${base}-${randomUUID().slice(0, 8)}`;
}
