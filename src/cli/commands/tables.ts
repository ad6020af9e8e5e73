import type { Command } from 'commander';
import { listTables } from '../../usecases/list-tables.ts';
import { openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { textTable } from '../format.ts';
import { printJson, printLines } from '../output.ts';

export function registerTables(program: Command, globals: () => GlobalOptions): void {
  program
    .command('tables')
    .description('list the lake tables: current snapshot, rows, files, last change')
    .action(async () => {
      const options = globals();
      const platform = openPlatform(options);
      try {
        const tables = await listTables(platform);
        if (options.json) return printJson(tables);
        if (tables.length === 0)
          return printLines([`no tables yet in ${platform.namespace}: run quotelab ingest FILE...`]);
        printLines(
          textTable(
            [
              'table',
              'rows',
              'files',
              'snapshots',
              'current snapshot',
              'last change (UTC)',
              'operation',
              'last source',
            ],
            tables.map((t) => [
              t.name,
              t.records,
              t.dataFiles,
              t.snapshots,
              t.snapshotId ?? '',
              t.lastChange?.slice(0, 19) ?? '',
              t.lastOperation ?? '',
              t.lastSource ?? '',
            ]),
          ),
        );
      } finally {
        await platform.close();
      }
    });
}
