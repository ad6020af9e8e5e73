import { PreconditionFailedError } from '../../core/ports/errors.ts';
import type { Catalog, CatalogEntry, TableIdentifier } from '../../core/ports/catalog.ts';
import { queryAll } from '../../core/ports/key-value.ts';
import type { Item, KeyValueStore } from '../../core/ports/key-value.ts';

const PK_PREFIX = 'catalog#';

/**
 * The Iceberg catalog on the KeyValueStore port: one item per table, pk `catalog#<namespace>`, sk `<name>`,
 * holding the current metadata location and a numeric version. A commit is a conditional put on
 * "version equals the one the writer started from", which both backends evaluate atomically (SQLite in a
 * `BEGIN IMMEDIATE` transaction, DynamoDB as a ConditionExpression), so exactly one of two racing commits
 * wins and the other gets PreconditionFailedError.
 */
export class KeyValueCatalog implements Catalog {
  readonly location: string;
  private readonly store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.store = store;
    this.location = `${store.location} (catalog items)`;
  }

  async loadTable(table: TableIdentifier): Promise<CatalogEntry | undefined> {
    const item = await this.store.get(keyOf(table));
    return item && toEntry(item);
  }

  async createTable(table: TableIdentifier, metadataLocation: string): Promise<CatalogEntry> {
    const item: Item = { ...keyOf(table), metadataLocation, version: 1 };
    await this.store.put(item, { kind: 'absent' });
    return toEntry(item);
  }

  async commitTable(
    table: TableIdentifier,
    expected: CatalogEntry,
    metadataLocation: string,
  ): Promise<CatalogEntry> {
    const version = Number(expected.version);
    if (!Number.isSafeInteger(version)) {
      throw new PreconditionFailedError(
        `${PK_PREFIX}${table.namespace}/${table.name}`,
        'a version from this catalog',
      );
    }
    const item: Item = {
      ...keyOf(table),
      metadataLocation,
      previousMetadataLocation: expected.metadataLocation,
      version: version + 1,
    };
    await this.store.put(item, { kind: 'attributeEquals', name: 'version', value: version });
    return toEntry(item);
  }

  async listTables(namespace: string): Promise<TableIdentifier[]> {
    const tables: TableIdentifier[] = [];
    for await (const item of queryAll(this.store, PK_PREFIX + namespace))
      tables.push({ namespace, name: item.sk });
    return tables;
  }

  async dropTable(table: TableIdentifier): Promise<void> {
    await this.store.delete(keyOf(table));
  }
}

function keyOf(table: TableIdentifier): { pk: string; sk: string } {
  if (!table.namespace || !table.name) throw new TypeError('a table needs a namespace and a name');
  return { pk: PK_PREFIX + table.namespace, sk: table.name };
}

function toEntry(item: Item): CatalogEntry {
  if (typeof item.metadataLocation !== 'string' || typeof item.version !== 'number') {
    throw new Error(`catalog item ${item.pk}/${item.sk} is malformed`);
  }
  return { metadataLocation: item.metadataLocation, version: String(item.version) };
}
