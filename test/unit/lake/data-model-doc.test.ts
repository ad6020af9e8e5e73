/**
 * docs/data-model.md describes every lake table; the descriptions must name real columns and the real
 * partition spec (they are what people write queries from).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAKE_TABLES } from '../../../src/core/lake/tables.ts';

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/data-model.md', import.meta.url)), 'utf8');

/** The rows of the "Tables" table: name, what one row is, partitioned by. */
const rows = new Map(
  DOC.split('\n')
    .filter((line) => /^\| `[a-z0-9_]+` \|/.test(line))
    .map((line) => {
      const [name, oneRow, partitioned] = line.split(' | ').map((cell) => cell.replace(/^\| /, ''));
      return [name!.replaceAll('`', ''), { oneRow: oneRow!, partitioned: partitioned! }] as const;
    }),
);

const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

describe('docs/data-model.md', () => {
  it('has a row for every lake table', () => {
    expect([...rows.keys()].sort()).toEqual(LAKE_TABLES.map((t) => t.name).sort());
  });

  for (const table of LAKE_TABLES) {
    it(`names only real columns of ${table.name}`, () => {
      const columns = new Set(table.schema.fields.map((f) => f.name));
      const named = codeSpans(rows.get(table.name)!.oneRow).filter((span) => /^[a-z][a-z0-9_]*$/.test(span));
      expect(named.filter((name) => !columns.has(name))).toEqual([]);
    });

    it(`gives ${table.name}'s partition spec`, () => {
      const cell = rows.get(table.name)!.partitioned.replace(/\s*\(.*\)\s*$/, ''); // drop a remark in brackets
      const spec = table.spec.fields.map((field) => {
        const column = table.schema.fields.find((f) => f.id === field['source-id'])!.name;
        return field.transform === 'identity' ? column : `${field.transform}(${column})`;
      });
      expect(spec.length === 0 ? cell.trim() : codeSpans(cell)).toEqual(spec.length === 0 ? '—' : spec);
    });
  }
});
