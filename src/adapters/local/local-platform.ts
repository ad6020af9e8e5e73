import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Lake } from '../../core/lake/iceberg/index.ts';
import type { Platform } from '../../core/platform.ts';
import { DuckDbQueryEngine } from './duckdb-query-engine.ts';
import { FsObjectStore } from './fs-object-store.ts';
import { KeyValueCatalog } from './kv-catalog.ts';
import { LakeViews } from './lake-views.ts';
import { SqliteKeyValueStore } from './sqlite-key-value.ts';

/** The namespace of the lake's tables in local mode (the Glue database in AWS is per environment). */
export const LOCAL_NAMESPACE = 'quotelab';

/**
 * The embedded platform: everything under one home folder (default `.quotelab/`), no cloud, no Docker.
 *   <home>/objects/data/   the data bucket (incoming XML, the Iceberg lake under lake/, reports)
 *   <home>/state/kv.sqlite the key-value tables (state, ingest ledger, Iceberg catalog)
 */
export function openLocalPlatform(home: string): Platform {
  const root = resolve(home);
  const kvFile = join(root, 'state', 'kv.sqlite');
  const dataRoot = join(root, 'objects', 'data');
  const data = new FsObjectStore(dataRoot);
  const state = new SqliteKeyValueStore(kvFile, 'state');
  const ingestLedger = new SqliteKeyValueStore(kvFile, 'ingest-ledger');
  const catalogStore = new SqliteKeyValueStore(kvFile, 'catalog');
  const catalog = new KeyValueCatalog(catalogStore);
  const lake: Lake = { store: data, catalog, uriRoot: `${pathToFileURL(dataRoot).href}/` };
  const query = new DuckDbQueryEngine({
    tables: new LakeViews(lake, data, LOCAL_NAMESPACE),
    location: `duckdb://in-process over ${lake.uriRoot}lake/`,
    readableDirectories: [join(dataRoot, 'lake')],
  });
  return {
    target: 'local',
    data,
    state,
    ingestLedger,
    catalog,
    lake,
    namespace: LOCAL_NAMESPACE,
    query,
    describe: () => ({
      home: root,
      data: data.location,
      state: state.location,
      ingestLedger: ingestLedger.location,
      catalog: catalogStore.location,
      query: query.location,
    }),
    close: async () => {
      await query.close();
      state.close();
      ingestLedger.close();
      catalogStore.close();
    },
  };
}
