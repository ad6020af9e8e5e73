import {
  AlreadyExistsException,
  CreateTableCommand,
  DeleteTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { Table } from '@aws-sdk/client-glue';
import { withLeaseLock } from '../../core/concurrency/lease-lock.ts';
import type { Catalog, CatalogEntry, TableIdentifier } from '../../core/ports/catalog.ts';
import { PreconditionFailedError } from '../../core/ports/errors.ts';
import type { KeyValueStore } from '../../core/ports/key-value.ts';
import { awsClientSettings } from './aws-config.ts';

export interface GlueCatalogOptions {
  /** Holds the commit locks (the state table in AWS). */
  locks: KeyValueStore;
  client?: GlueClient;
  /** Glue Data Catalog id (the account); default: the caller's. */
  catalogId?: string;
  /** S3 location of a table from its identifier, recorded in the Glue table (Athena shows it). */
  tableLocation?: (table: TableIdentifier) => string | undefined;
}

/**
 * The Catalog on the AWS Glue Data Catalog, in the layout Athena reads: tables of
 * `table_type=ICEBERG` whose `metadata_location` parameter names the current metadata file, with
 * `previous_metadata_location` kept on each commit.
 *
 * A commit holds a lease lock on the table (an item in the state table), checks that Glue still points
 * at the metadata the writer started from, and updates the table with Glue's `VersionId` as well: the
 * lock makes the check-and-set atomic wherever the catalog runs (moto does not enforce `VersionId`),
 * and `VersionId` guards against writers that do not take the lock.
 */
export class GlueCatalog implements Catalog {
  readonly location: string;
  private readonly client: GlueClient;
  private readonly locks: KeyValueStore;
  private readonly catalogId?: string;
  private readonly tableLocation?: (table: TableIdentifier) => string | undefined;

  constructor(options: GlueCatalogOptions) {
    this.client = options.client ?? new GlueClient(awsClientSettings());
    this.locks = options.locks;
    this.catalogId = options.catalogId;
    this.tableLocation = options.tableLocation;
    this.location = `glue://${options.catalogId ?? 'default'}`;
  }

  async loadTable(table: TableIdentifier): Promise<CatalogEntry | undefined> {
    const found = await this.getTable(table);
    return found && entryOf(table, found);
  }

  async createTable(table: TableIdentifier, metadataLocation: string): Promise<CatalogEntry> {
    try {
      await this.client.send(
        new CreateTableCommand({
          CatalogId: this.catalogId,
          DatabaseName: table.namespace,
          TableInput: {
            Name: table.name,
            TableType: 'EXTERNAL_TABLE',
            Parameters: { table_type: 'ICEBERG', metadata_location: metadataLocation },
            StorageDescriptor: { Location: this.tableLocation?.(table) },
          },
        }),
      );
    } catch (error) {
      if (error instanceof AlreadyExistsException)
        throw new PreconditionFailedError(qualified(table), 'table must not exist');
      throw error;
    }
    return (await this.loadTable(table))!;
  }

  async commitTable(
    table: TableIdentifier,
    expected: CatalogEntry,
    metadataLocation: string,
  ): Promise<CatalogEntry> {
    return withLeaseLock(this.locks, { pk: 'lock#glue-table', sk: qualified(table) }, async () => {
      const current = await this.getTable(table);
      if (!current) throw new PreconditionFailedError(qualified(table), 'table must exist');
      const currentLocation = current.Parameters?.metadata_location;
      if (currentLocation !== expected.metadataLocation) {
        throw new PreconditionFailedError(
          qualified(table),
          `metadata must still be ${expected.metadataLocation}`,
        );
      }
      await this.client.send(
        new UpdateTableCommand({
          CatalogId: this.catalogId,
          DatabaseName: table.namespace,
          VersionId: current.VersionId,
          TableInput: {
            Name: table.name,
            TableType: current.TableType ?? 'EXTERNAL_TABLE',
            Parameters: {
              ...current.Parameters,
              table_type: 'ICEBERG',
              metadata_location: metadataLocation,
              previous_metadata_location: expected.metadataLocation,
            },
            StorageDescriptor: current.StorageDescriptor,
          },
        }),
      );
      return (await this.loadTable(table))!;
    });
  }

  async listTables(namespace: string): Promise<TableIdentifier[]> {
    const tables: TableIdentifier[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new GetTablesCommand({ CatalogId: this.catalogId, DatabaseName: namespace, NextToken }),
      );
      for (const table of page.TableList ?? []) {
        if (table.Parameters?.table_type?.toUpperCase() === 'ICEBERG')
          tables.push({ namespace, name: table.Name! });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return tables.sort((a, b) => a.name.localeCompare(b.name));
  }

  async dropTable(table: TableIdentifier): Promise<void> {
    try {
      await this.client.send(
        new DeleteTableCommand({
          CatalogId: this.catalogId,
          DatabaseName: table.namespace,
          Name: table.name,
        }),
      );
    } catch (error) {
      if (!(error instanceof EntityNotFoundException)) throw error;
    }
  }

  private async getTable(table: TableIdentifier): Promise<Table | undefined> {
    try {
      const result = await this.client.send(
        new GetTableCommand({ CatalogId: this.catalogId, DatabaseName: table.namespace, Name: table.name }),
      );
      return result.Table;
    } catch (error) {
      if (error instanceof EntityNotFoundException) return undefined;
      throw error;
    }
  }
}

function entryOf(table: TableIdentifier, found: Table): CatalogEntry {
  const metadataLocation = found.Parameters?.metadata_location;
  if (!metadataLocation)
    throw new Error(`Glue table ${qualified(table)} has no metadata_location: not an Iceberg table`);
  return { metadataLocation, version: found.VersionId ?? '' };
}

function qualified(table: TableIdentifier): string {
  return `${table.namespace}.${table.name}`;
}
