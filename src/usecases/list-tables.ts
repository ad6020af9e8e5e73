/** The lake's tables with their current snapshot, size and last change: what `quotelab tables` shows. */
import { IcebergTable } from '../core/lake/iceberg/index.ts';
import type { Platform } from '../core/platform.ts';

export interface TableStatus {
  name: string;
  snapshotId?: string;
  snapshots: number;
  records: number;
  dataFiles: number;
  lastChange?: string;
  lastOperation?: string;
  lastSource?: string;
}

export async function listTables(platform: Platform): Promise<TableStatus[]> {
  const statuses: TableStatus[] = [];
  for (const identifier of await platform.catalog.listTables(platform.namespace)) {
    const table = await IcebergTable.load(platform.lake, identifier);
    const snapshot = table.currentSnapshot();
    const summary: Partial<Record<string, string>> = snapshot?.summary ?? {};
    statuses.push({
      name: identifier.name,
      snapshotId: snapshot ? String(snapshot['snapshot-id']) : undefined,
      snapshots: table.snapshots().length,
      records: Number(summary['total-records'] ?? 0),
      dataFiles: Number(summary['total-data-files'] ?? 0),
      lastChange: snapshot ? new Date(Number(snapshot['timestamp-ms'])).toISOString() : undefined,
      lastOperation: summary.operation,
      lastSource: summary['quotelab.src-file'],
    });
  }
  return statuses;
}
