import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteKeyValueStore } from '../../../src/adapters/local/sqlite-key-value.ts';
import { studyStoreContract } from '../../contract/study-store.contract.ts';

studyStoreContract(
  'embedded SQLite',
  async () =>
    new SqliteKeyValueStore(join(mkdtempSync(join(tmpdir(), 'quotelab-study-')), 'kv.sqlite'), 'state'),
);
