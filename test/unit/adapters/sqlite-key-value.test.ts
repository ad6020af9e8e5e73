import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteKeyValueStore } from '../../../src/adapters/local/sqlite-key-value.ts';
import { keyValueContract } from '../../contract/key-value.contract.ts';

const freshFile = () => join(mkdtempSync(join(tmpdir(), 'quotelab-kv-')), 'kv.sqlite');

keyValueContract(
  'embedded SQLite (SqliteKeyValueStore)',
  async () => new SqliteKeyValueStore(freshFile(), 'contract'),
);

describe('SqliteKeyValueStore, local specifics', () => {
  it('keeps tables apart within one file', async () => {
    const file = freshFile();
    const ledger = new SqliteKeyValueStore(file, 'ledger');
    const studies = new SqliteKeyValueStore(file, 'studies');
    await ledger.put({ pk: 'p', sk: 's', owner: 'ledger' });
    expect(await studies.get({ pk: 'p', sk: 's' })).toBeUndefined();
    expect(await ledger.get({ pk: 'p', sk: 's' })).toMatchObject({ owner: 'ledger' });
  });

  it('sees writes made through another connection to the same file (another process)', async () => {
    const file = freshFile();
    const writer = new SqliteKeyValueStore(file, 't');
    const reader = new SqliteKeyValueStore(file, 't');
    await writer.put({ pk: 'p', sk: 's', n: 1 }, { kind: 'absent' });
    await expect(reader.put({ pk: 'p', sk: 's', n: 2 }, { kind: 'absent' })).rejects.toThrow(
      /precondition failed/,
    );
    expect(await reader.get({ pk: 'p', sk: 's' })).toMatchObject({ n: 1 });
  });
});
