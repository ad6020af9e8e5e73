import { describe, expect, it } from 'vitest';
import { csv, textTable } from '../../../src/cli/format.ts';

describe('textTable', () => {
  it('pads text left and numbers right, with NULL for nulls', () => {
    expect(
      textTable(
        ['side', 'n'],
        [
          ['CALL', 1549],
          ['PUT', null],
        ],
      ),
    ).toEqual(['side     n', '----  ----', 'CALL  1549', 'PUT   NULL']);
  });

  it('prints the header alone for no rows', () => {
    expect(textTable(['a', 'bb'], [])).toEqual(['a  bb', '-  --']);
  });

  // Issue 12 point 15: Math.max(...widths) over every row overflowed the stack above ~200k rows.
  it('lays out 300,000 rows (no spread of every row into a call)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [i, `code-${i}`]);
    const lines = textTable(['n', 'code'], rows);
    expect(lines).toHaveLength(300_002);
    expect(lines[0]).toBe('     n  code');
    expect(lines[2]).toBe('     0  code-0');
    expect(lines.at(-1)).toBe('299999  code-299999');
  });
});

describe('csv', () => {
  it('quotes fields with commas, quotes and newlines; nulls are empty', () => {
    expect(
      csv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [null, 'two\nlines'],
        ],
      ),
    ).toEqual(['a,b', '"x,y","say ""hi"""', ',"two\nlines"']);
  });

  it('writes 300,000 rows', () => {
    expect(
      csv(
        ['n'],
        Array.from({ length: 300_000 }, (_, i) => [i]),
      ),
    ).toHaveLength(300_001);
  });
});
