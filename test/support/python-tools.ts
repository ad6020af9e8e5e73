/**
 * The Python tools our test tiers need (moto for the AWS-API tier; PyIceberg, DuckDB and its iceberg
 * extension for the conformance tier), installed into a virtual environment in a cache folder keyed by
 * the requirements' hash, so a changed pin gets a fresh environment and an unchanged one is reused.
 *
 * Run directly to install: `node test/support/python-tools.ts` (what .ci/run does).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIREMENTS = fileURLToPath(new URL('./requirements.txt', import.meta.url));

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.QUOTELAB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'quotelab');
}

export function venvDir(): string {
  const hash = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
  return join(cacheRoot(), `python-tools-${hash}`);
}

export function venvBin(tool: string): string {
  return join(venvDir(), 'bin', tool);
}

/** Creates the environment if it is missing or half-built; returns its folder. Throws with pip's output on failure. */
export function ensurePythonTools(log: (line: string) => void = () => {}): string {
  const dir = venvDir();
  const ready = join(dir, '.ready');
  if (existsSync(ready)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cacheRoot(), { recursive: true });
  const python = process.env.QUOTELAB_PYTHON ?? 'python3';
  log(`creating Python environment ${dir} (${python})`);
  run(python, ['-m', 'venv', dir]);
  log(`installing ${REQUIREMENTS}`);
  run(join(dir, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', '-r', REQUIREMENTS]);
  writeFileSync(ready, new Date().toISOString());
  return dir;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || result.stdout}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const dir = ensurePythonTools((line) => console.log(line));
  console.log(`python tools ready in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
