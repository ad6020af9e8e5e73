/**
 * Global setup of the AWS-API test tier: gives the tests an endpoint that speaks the AWS APIs over HTTP.
 *
 * - `QUOTELAB_TEST_AWS_ENDPOINT` set (e.g. http://localhost:4566 for LocalStack): use it as is.
 * - otherwise: start moto_server (pinned in requirements.txt) on a free 127.0.0.1 port, stop it after.
 *
 * If no endpoint can be had, the run fails. Outside CI a developer may opt out with
 * QUOTELAB_SKIP_AWS_TESTS=1, and the tier's suites then show as skipped; in CI (CI=true) that opt-out
 * is refused, so the tier can never silently not run there.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { ensurePythonTools, venvBin } from './python-tools.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    awsEndpoint: string | null;
    awsEmulator: 'moto' | 'external' | 'skipped';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.QUOTELAB_TEST_AWS_ENDPOINT;
  if (external) {
    project.provide('awsEndpoint', external);
    project.provide('awsEmulator', 'external');
    console.log(`[aws-api] using the endpoint in QUOTELAB_TEST_AWS_ENDPOINT: ${external}`);
    return async () => {};
  }
  if (process.env.QUOTELAB_SKIP_AWS_TESTS === '1') {
    if (process.env.CI === 'true') {
      throw new Error('[aws-api] QUOTELAB_SKIP_AWS_TESTS=1 is refused in CI: the AWS-API tier must run');
    }
    console.warn('[aws-api] QUOTELAB_SKIP_AWS_TESTS=1: the AWS-API tier is SKIPPED in this run');
    project.provide('awsEndpoint', null);
    project.provide('awsEmulator', 'skipped');
    return async () => {};
  }

  const started = Date.now();
  ensurePythonTools((line) => console.log(`[aws-api] ${line}`));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = spawn(venvBin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilReady(endpoint, server, () => stderr);
  } catch (error) {
    server.kill('SIGKILL');
    throw error;
  }
  console.log(
    `[aws-api] moto_server ready at ${endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('awsEndpoint', endpoint);
  project.provide('awsEmulator', 'moto');
  return async () => {
    server.kill('SIGTERM');
  };
}

async function waitUntilReady(endpoint: string, server: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`[aws-api] moto_server exited with ${server.exitCode}:\n${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`[aws-api] moto_server did not answer on ${endpoint} within 30 s:\n${stderr()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
