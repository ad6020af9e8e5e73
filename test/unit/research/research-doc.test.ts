/**
 * The study spec examples in docs/research.md are read out of the page and started as written (on a
 * generated market where the page generates one), so the page cannot drift from what `quotelab tune`
 * accepts. Also: a spec's data paths take folders and patterns.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import { parseStudySpec } from '../../../src/core/research/study-spec.ts';
import { generateMarket } from '../../../src/usecases/generate.ts';
import { expandMarketPaths } from '../../../src/usecases/read-market-files.ts';
import { initStudy } from '../../../src/usecases/research/steps.ts';
import { validateStudyParams } from '../../../src/usecases/research/trial-params.ts';

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/research.md', import.meta.url)), 'utf8');

/** Every heredoc that writes a .json file, and every ```json block: the page's spec examples. */
function specExamples(markdown: string): string[] {
  const heredocs = [...markdown.matchAll(/cat > \S+\.json <<'EOF'\n([\s\S]*?)\nEOF\n/g)].map((m) => m[1]!);
  const blocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return [...heredocs, ...blocks];
}

describe('docs/research.md', () => {
  it('has spec examples, and each one starts a study as written', async () => {
    const examples = specExamples(DOC);
    expect(examples.length).toBeGreaterThan(0);
    const generate = /quotelab generate --start (\S+) --days (\d+) --out (\S+)/.exec(DOC);
    expect(generate).not.toBeNull();
    const home = mkdtempSync(join(tmpdir(), 'quotelab-research-doc-'));
    // The page's market, with fewer ticks per day (the study is only started, not run).
    await generateMarket({
      out: join(home, generate![3]!),
      start: generate![1]!,
      days: Number(generate![2]),
      ticksPerDay: 300,
      seed: 'research-doc',
    });
    const platform = openLocalPlatform(join(home, '.quotelab'));
    try {
      for (const text of examples) {
        expect(text).not.toContain('…');
        const example = JSON.parse(text) as { data?: { kind: string; paths?: string[] } };
        validateStudyParams(parseStudySpec(example));
        // Relative paths are relative to where `quotelab tune` runs: here, the folder the market is in.
        const inHome = (path: string) => (isAbsolute(path) ? path : join(home, path));
        const spec =
          example.data?.kind === 'files'
            ? { ...example, data: { ...example.data, paths: example.data.paths!.map(inHome) } }
            : example;
        const init = await initStudy(platform, { spec, owner: 'doc' });
        expect(init.folds).toBeGreaterThan(0);
      }
    } finally {
      await platform.close();
    }
  }, 120_000);
});

describe('data paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-paths-'));
  mkdirSync(join(dir, 'market', 'nested'), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  for (const name of ['b_TICK_PUT.xml', 'a_TICK_CALL.xml', 'labels_1.csv', 'nested/c_TICK_CALL.xml'])
    writeFileSync(join(dir, 'market', name), '');

  it('expands a folder to the .xml files in it, and a pattern to what it matches, sorted, once each', () => {
    const m = (name: string) => join(dir, 'market', name);
    expect(expandMarketPaths([join(dir, 'market')])).toEqual([m('a_TICK_CALL.xml'), m('b_TICK_PUT.xml')]);
    expect(expandMarketPaths([join(dir, 'market', '*_CALL.xml')])).toEqual([m('a_TICK_CALL.xml')]);
    expect(expandMarketPaths([join(dir, 'market', '**', '*_CALL.xml')])).toEqual([
      m('a_TICK_CALL.xml'),
      m('nested/c_TICK_CALL.xml'),
    ]);
    expect(expandMarketPaths([m('b_TICK_PUT.xml'), join(dir, 'market')])).toEqual([
      m('b_TICK_PUT.xml'),
      m('a_TICK_CALL.xml'),
    ]);
  });

  it('refuses an entry that names no file, saying which', () => {
    expect(() => expandMarketPaths([join(dir, 'market', '*.gz')])).toThrow(/^no file matches .*\*\.gz$/);
    expect(() => expandMarketPaths([join(dir, 'empty')])).toThrow(/the folder .*empty has no \.xml files/);
    expect(() => expandMarketPaths([join(dir, 'nope.xml')])).toThrow(/no such file: .*nope\.xml/);
  });
});
