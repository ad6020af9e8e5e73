import { resolve, join } from 'node:path';
import type { Platform } from '../../core/ports/platform.ts';
import { FsObjectStore } from './fs-object-store.ts';
import { SqliteKeyValueStore } from './sqlite-key-value.ts';

/**
 * The embedded platform: everything under one home folder (default `.quotelab/`), no cloud, no Docker.
 *   <home>/objects/data/   the data bucket (incoming XML, lake, reports)
 *   <home>/state/kv.sqlite the key-value tables (state, ingest ledger)
 */
export function openLocalPlatform(home: string): Platform {
  const root = resolve(home);
  const kvFile = join(root, 'state', 'kv.sqlite');
  const data = new FsObjectStore(join(root, 'objects', 'data'));
  const state = new SqliteKeyValueStore(kvFile, 'state');
  const ingestLedger = new SqliteKeyValueStore(kvFile, 'ingest-ledger');
  return {
    target: 'local',
    data,
    state,
    ingestLedger,
    describe: () => ({
      home: root,
      data: data.location,
      state: state.location,
      ingestLedger: ingestLedger.location,
    }),
    close: async () => {
      state.close();
      ingestLedger.close();
    },
  };
}
