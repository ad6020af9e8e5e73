import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { readAvroFile } from '../../../src/core/lake/iceberg/avro.ts';
import { EntryStatus } from '../../../src/core/lake/iceberg/data-file.ts';
import { decodeManifest, decodeManifestList } from '../../../src/core/lake/iceberg/manifest.ts';
import {
  CommitFailedError,
  IcebergTable,
  daysFromIsoDate,
  keyOf,
  sourceHashOf,
  sourceHashOfPath,
} from '../../../src/core/lake/iceberg/index.ts';
import type { Lake, Row, Snapshot } from '../../../src/core/lake/iceberg/index.ts';
import type { Catalog } from '../../../src/core/ports/catalog.ts';
import { PreconditionFailedError } from '../../../src/core/ports/errors.ts';
import { getText } from '../../../src/core/ports/object-store.ts';
import { TICKS, openLocalLake, sortRows, tickRows, tickSchema, tickSpec } from './fixtures.ts';

const createTicks = (lake: Lake) =>
  IcebergTable.createIfAbsent(lake, TICKS, { schema: tickSchema, spec: tickSpec });

/** The lake with its catalog wrapped: counts lost commits, or makes every commit lose. */
function withCatalog(lake: Lake, options: { alwaysLose?: boolean } = {}): Lake & { lost: () => number } {
  let lost = 0;
  const inner = lake.catalog;
  const catalog: Catalog = {
    location: inner.location,
    loadTable: (t) => inner.loadTable(t),
    createTable: (t, m) => inner.createTable(t, m),
    listTables: (n) => inner.listTables(n),
    dropTable: (t) => inner.dropTable(t),
    commitTable: async (t, expected, m) => {
      try {
        if (options.alwaysLose) throw new PreconditionFailedError('catalog', 'someone else always wins');
        return await inner.commitTable(t, expected, m);
      } catch (error) {
        lost++;
        throw error;
      }
    },
  };
  return { ...lake, catalog, lost: () => lost };
}

async function manifestEntries(lake: Lake, snapshot: Snapshot) {
  const list = decodeManifestList(await lake.store.getBytes(keyOf(lake, snapshot['manifest-list'])));
  const entries = [];
  for (const manifest of list) {
    entries.push(...decodeManifest(await lake.store.getBytes(keyOf(lake, manifest.path))).entries);
  }
  return { list, entries };
}

describe('IcebergTable on the local lake (FsObjectStore + SQLite catalog)', () => {
  it('creates, appends twice, replaces one source, and time-travels to the exact rows of each snapshot', async () => {
    const lake = openLocalLake();
    const table = await createTicks(lake);
    expect(table.currentSnapshot()).toBeUndefined();
    expect(await table.read()).toEqual([]);

    const a = tickRows('a.xml', 300, ['2024-08-08', '2024-08-09'], 1);
    const b = tickRows('b.xml', 200, ['2024-08-09'], 2);
    const aFixed = tickRows('a.xml', 120, ['2024-08-08'], 3);

    const s1 = (await table.append(a, {
      sourceKey: 'a.xml',
      summary: { 'quotelab.src-file': 'a.xml', 'quotelab.src-sha256': 'aa'.repeat(32) },
    }))!;
    const s2 = (await table.append(b, { sourceKey: 'b.xml' }))!;
    const s3 = (await table.replaceSource('a.xml', aFixed, { summary: { 'quotelab.src-file': 'a.xml' } }))!;

    expect(table.snapshots().map((s) => s['snapshot-id'])).toEqual([s1, s2, s3].map((s) => s['snapshot-id']));
    expect([s1, s2, s3].map((s) => s['sequence-number'])).toEqual([1, 2, 3]);
    expect(s2['parent-snapshot-id']).toBe(s1['snapshot-id']);
    expect(s3['parent-snapshot-id']).toBe(s2['snapshot-id']);
    expect(s1.summary).toMatchObject({
      operation: 'append',
      'added-records': '300',
      'total-records': '300',
      'quotelab.src-file': 'a.xml',
      'quotelab.src-sha256': 'aa'.repeat(32),
      'quotelab.src-hash': await sourceHashOf('a.xml'),
    });
    // a.xml covered 2 days × 2 sides = 4 files; its replacement 1 day × 2 sides = 2 files.
    expect(s3.summary).toMatchObject({
      operation: 'overwrite',
      'added-data-files': '2',
      'added-records': '120',
      'deleted-data-files': '4',
      'deleted-records': '300',
      'total-records': '320',
      'total-data-files': '4',
    });

    // Time travel by snapshot id…
    expect(sortRows(await table.read({ snapshotId: s1['snapshot-id'] }))).toEqual(sortRows(a));
    expect(sortRows(await table.read({ snapshotId: s2['snapshot-id'] }))).toEqual(sortRows([...a, ...b]));
    expect(sortRows(await table.read({ snapshotId: s3['snapshot-id'] }))).toEqual(
      sortRows([...b, ...aFixed]),
    );
    // …and by time: as of each commit, and before the first.
    expect(sortRows(await table.read({ asOfTimestampMs: s2['timestamp-ms'] }))).toEqual(
      sortRows([...a, ...b]),
    );
    expect(sortRows(await table.read({ asOfTimestampMs: s3['timestamp-ms'] + 60_000 }))).toEqual(
      sortRows([...b, ...aFixed]),
    );
    expect(await table.read({ asOfTimestampMs: s1['timestamp-ms'] - 1 })).toEqual([]);

    // A fresh handle, from the catalog, sees the same table.
    const reloaded = await IcebergTable.load(lake.reopen(), TICKS);
    expect(reloaded.metadataLocation).toBe(table.metadataLocation);
    expect(reloaded.metadataLocation).toMatch(/\/metadata\/00003-[0-9a-f-]{36}\.metadata\.json$/);
    expect(sortRows(await reloaded.read())).toEqual(sortRows([...b, ...aFixed]));
    expect(reloaded.metadata['metadata-log']).toHaveLength(3);

    // Snapshot ids (63-bit) are exact digits in the metadata file and in the manifest list header.
    const metadataText = await getText(lake.store, keyOf(lake, reloaded.metadataLocation));
    expect(metadataText).toContain(`"current-snapshot-id":${s3['snapshot-id']}`);
    const listHeader = readAvroFile(await lake.store.getBytes(keyOf(lake, s3['manifest-list']))).metadata;
    expect(listHeader['snapshot-id']).toBe(s3['snapshot-id'].toString());
    expect(listHeader['parent-snapshot-id']).toBe(s2['snapshot-id'].toString());
  });

  it('replaces a source with DELETED entries for exactly its old files, keeping other manifests as they were', async () => {
    const lake = openLocalLake();
    const table = await createTicks(lake);
    const s1 = (await table.append(tickRows('a.xml', 50, ['2024-08-08'], 1), { sourceKey: 'a.xml' }))!;
    const s2 = (await table.append(tickRows('b.xml', 50, ['2024-08-08'], 2), { sourceKey: 'b.xml' }))!;
    const s3 = (await table.replaceSource('a.xml', tickRows('a.xml', 10, ['2024-08-08'], 3)))!;

    const before = await manifestEntries(lake, s2);
    const after = await manifestEntries(lake, s3);
    const hashA = await sourceHashOf('a.xml');
    const hashB = await sourceHashOf('b.xml');
    const paths = (status: number, hash: string) =>
      after.entries
        .filter((e) => e.status === status && sourceHashOfPath(e.dataFile.path) === hash)
        .map((e) => e.dataFile.path)
        .sort();
    const oldA = before.entries
      .filter((e) => sourceHashOfPath(e.dataFile.path) === hashA)
      .map((e) => e.dataFile.path);

    expect(paths(EntryStatus.DELETED, hashA)).toEqual(oldA.sort());
    expect(paths(EntryStatus.ADDED, hashA)).toHaveLength(2);
    expect(paths(EntryStatus.DELETED, hashB)).toEqual([]);
    // b's manifest is carried over untouched (same file), a's is rewritten.
    const bManifest = before.list.find((m) => m.addedSnapshotId === s2['snapshot-id'])!;
    expect(after.list.map((m) => m.path)).toContain(bManifest.path);
    expect(after.list.map((m) => m.path)).not.toContain(
      before.list.find((m) => m.addedSnapshotId === s1['snapshot-id'])!.path,
    );
    // Deleted entries keep the sequence numbers of the snapshot that added them; new ones inherit 3.
    const deleted = after.entries.filter((e) => e.status === EntryStatus.DELETED);
    expect(new Set(deleted.map((e) => e.sequenceNumber))).toEqual(new Set([1]));
    expect(new Set(deleted.map((e) => e.snapshotId))).toEqual(new Set([s3['snapshot-id']]));

    // Replacing a source that has no files yet is an append; replacing with nothing is a delete.
    expect(
      (await table.replaceSource('c.xml', tickRows('c.xml', 5, ['2024-08-08'])))!.summary.operation,
    ).toBe('append');
    const removal = (await table.replaceSource('c.xml', []))!;
    expect(removal.summary).toMatchObject({
      operation: 'delete',
      'deleted-records': '5',
      'total-records': '60',
    });
    // And a replacement of something absent, with nothing, commits nothing.
    expect(await table.replaceSource('never.xml', [])).toBeUndefined();
    expect(table.snapshots()).toHaveLength(5);
  });

  it('prunes manifests and files by partition values and by column bounds', async () => {
    const lake = openLocalLake();
    const table = await createTicks(lake);
    const a = tickRows('a.xml', 200, ['2024-08-08', '2024-08-09'], 1);
    const b = tickRows('b.xml', 100, ['2024-08-09'], 2);
    await table.append(a, { sourceKey: 'a.xml' });
    await table.append(b, { sourceKey: 'b.xml' });

    // side = 'B' (identity partition): half the files are never opened.
    const buys = await table.plan({ filter: [{ column: 'side', op: '=', value: 'B' }] });
    expect(buys.stats.dataFiles).toBe(6);
    expect(buys.stats.dataFilesSkipped).toBe(3);
    expect(buys.files.every((f) => f.file.partition.side === 'B')).toBe(true);
    expect(sortRows(await table.read({ filter: [{ column: 'side', op: '=', value: 'B' }] }))).toEqual(
      sortRows([...a, ...b].filter((r) => r.side === 'B')),
    );

    // ts before 2024-08-09 (day partition): b's manifest holds only 2024-08-09 and is skipped whole.
    const cutoff = BigInt(daysFromIsoDate('2024-08-09')) * 86_400_000_000n;
    const early = await table.plan({ filter: [{ column: 'ts', op: '<', value: cutoff }] });
    expect(early.stats.manifestsSkipped).toBe(1);
    expect(early.files.map((f) => f.file.partition.ts_day)).toEqual([19943, 19943]);
    expect(sortRows(await table.read({ filter: [{ column: 'ts', op: '<', value: cutoff }] }))).toEqual(
      sortRows(a.filter((r) => (r.ts as bigint) < cutoff)),
    );

    // Column bounds: two files in one partition, prices apart; price >= 100 skips the cheap one.
    const cheap = tickRows('cheap.xml', 20, ['2024-08-10'], 3).map((r) => ({ ...r, side: 'B', price: 1 }));
    const dear = tickRows('dear.xml', 20, ['2024-08-10'], 4).map((r) => ({ ...r, side: 'B', price: 150 }));
    await table.append(cheap, { sourceKey: 'cheap.xml' });
    await table.append(dear, { sourceKey: 'dear.xml' });
    const filter = [
      { column: 'trade_date', op: '=', value: daysFromIsoDate('2024-08-10') },
      { column: 'price', op: '>=', value: 100 },
    ] as const;
    const plan = await table.plan({ filter: [...filter] });
    expect(plan.files).toHaveLength(1);
    expect(sourceHashOfPath(plan.files[0]!.file.path)).toBe(await sourceHashOf('dear.xml'));
    expect(sortRows(await table.read({ filter: [...filter] }))).toEqual(sortRows(dear));
    // Only a projection of the columns asked for.
    const narrow = await table.read({ filter: [...filter], columns: ['src_row', 'price'] });
    expect(Object.keys(narrow[0]!)).toEqual(['src_row', 'price']);
  });

  it('writes Parquet with a field_id on every column, Iceberg logical types and zstd pages', async () => {
    const lake = openLocalLake();
    const table = await createTicks(lake);
    await table.append(tickRows('a.xml', 30, ['2024-08-08']), { sourceKey: 'a.xml' });
    const [planned] = (await table.plan()).files;
    const footer = parquetMetadata(
      (await lake.store.getBytes(keyOf(lake, planned!.file.path))).slice().buffer,
    );
    const columns = footer.schema.slice(1);
    expect(columns.map((c) => [c.name, c.field_id])).toEqual(tickSchema.fields.map((f) => [f.name, f.id]));
    expect(columns.find((c) => c.name === 'ts')!.logical_type).toEqual({
      type: 'TIMESTAMP',
      isAdjustedToUTC: true,
      unit: 'MICROS',
    });
    expect(columns.find((c) => c.name === 'trade_date')!.converted_type).toBe('DATE');
    expect(columns.find((c) => c.name === 'src_row')!.type).toBe('INT64');
    expect(columns.find((c) => c.name === 'code')!.repetition_type).toBe('REQUIRED');
    expect(columns.find((c) => c.name === 'price')!.repetition_type).toBe('OPTIONAL');
    expect(new Set(footer.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec)))).toEqual(
      new Set(['ZSTD']),
    );
    expect(Number(footer.num_rows)).toBe(planned!.file.recordCount);
    expect(planned!.file.fileSizeInBytes).toBe(
      (await lake.store.head(keyOf(lake, planned!.file.path)))!.size,
    );
  });

  it('lets one of two concurrent creators win; the other loads the winner', async () => {
    const lake = openLocalLake();
    const [one, two] = await Promise.all([createTicks(lake), createTicks(lake.reopen())]);
    expect(one.metadata['table-uuid']).toBe(two.metadata['table-uuid']);
    expect(one.metadataLocation).toBe(two.metadataLocation);
    const metadataFiles = readdirSync(join(lake.root, 'lake/quotelab/ticks/metadata'));
    // The loser removed its metadata file; the winner's version 0 is also published for folder readers.
    expect(metadataFiles.sort()).toEqual([
      expect.stringMatching(/^00000-.*\.metadata\.json$/),
      'v0.metadata.json',
      'version-hint.text',
    ]);
  });

  it(
    'lands all of 20 concurrent appends from separate handles, each exactly once',
    { timeout: 120_000 },
    async () => {
      const lake = openLocalLake();
      await createTicks(lake);
      const writers = 20;
      const batches = Array.from({ length: writers }, (_, i) =>
        tickRows(`src-${i}.xml`, 25 + i, ['2024-08-08', '2024-08-09'], 100 + i),
      );
      // Each writer opens its own store, catalog connection and handle, as separate Lambdas would.
      const lakes = batches.map(() => withCatalog(lake.reopen()));
      const handles = await Promise.all(lakes.map((own) => IcebergTable.load(own, TICKS)));
      const snapshots = await Promise.all(
        handles.map((handle, i) => handle.append(batches[i]!, { sourceKey: `src-${i}.xml` })),
      );

      // They really raced: commits were lost and re-applied on newer versions.
      expect(lakes.reduce((sum, own) => sum + own.lost(), 0)).toBeGreaterThanOrEqual(writers - 1);

      const table = await IcebergTable.load(lake.reopen(), TICKS);
      const all = table.snapshots();
      expect(all).toHaveLength(writers);
      // 20 commits after the create: 21 metadata versions, the current one 00020.
      expect(table.metadata['metadata-log']).toHaveLength(writers);
      expect(table.metadataLocation).toMatch(/\/00020-[^/]+\.metadata\.json$/);
      expect(new Set(all.map((s) => s['snapshot-id']))).toEqual(
        new Set(snapshots.map((s) => s!['snapshot-id'])),
      );
      // The snapshots form one chain, sequence numbers 1..20.
      expect(all.map((s) => s['sequence-number'])).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
      all.slice(1).forEach((s, i) => expect(s['parent-snapshot-id']).toBe(all[i]!['snapshot-id']));

      const expected: Row[] = batches.flat();
      const current = table.currentSnapshot()!;
      expect(current.summary['total-records']).toBe(String(expected.length));
      expect(current.summary['total-data-files']).toBe(String(writers * 4));
      expect((await table.plan()).files).toHaveLength(writers * 4);
      expect(sortRows(await table.read())).toEqual(sortRows(expected));

      // Lost attempts cleaned up after themselves: one manifest list per snapshot, nothing more.
      const metadataFolder = readdirSync(join(lake.root, 'lake/quotelab/ticks/metadata'));
      expect(metadataFolder.filter((name) => name.startsWith('snap-'))).toHaveLength(writers);
      expect(metadataFolder.filter((name) => /^\d{5}-.+\.metadata\.json$/.test(name))).toHaveLength(
        writers + 1,
      );
      // Each version that won is also published once for folder readers (version-hint.ts): v0…v20.
      expect(metadataFolder.filter((name) => /^v\d+\.metadata\.json$/.test(name))).toHaveLength(writers + 1);
      expect(readFileSync(join(lake.root, 'lake/quotelab/ticks/metadata/version-hint.text'), 'utf8')).toBe(
        String(writers),
      );
    },
  );

  it('re-applies a replacement on the newer version when a stale handle loses the race', async () => {
    const lake = openLocalLake();
    await createTicks(lake);
    const stale = await IcebergTable.load(withCatalog(lake.reopen()), TICKS);
    const fresh = await IcebergTable.load(lake.reopen(), TICKS);
    // The fresh handle adds a.xml's files after the stale one loaded the (empty) table…
    await fresh.append(tickRows('a.xml', 40, ['2024-08-08'], 1), { sourceKey: 'a.xml' });
    // …so the stale handle's first attempt loses; on the new base its replacement must delete them.
    const replacement = tickRows('a.xml', 7, ['2024-08-09'], 2);
    const snapshot = (await stale.replaceSource('a.xml', replacement))!;
    expect(snapshot.summary).toMatchObject({
      operation: 'overwrite',
      'deleted-records': '40',
      'total-records': '7',
    });
    expect(sortRows(await (await fresh.refresh()).read())).toEqual(sortRows(replacement));
  });

  it('gives up after the configured attempts and removes every file the change wrote', async () => {
    const lake = openLocalLake();
    await createTicks(lake);
    const losing = { ...withCatalog(lake, { alwaysLose: true }), retry: { maxAttempts: 3, baseDelayMs: 1 } };
    const table = await IcebergTable.load(losing, TICKS);
    await expect(
      table.append(tickRows('a.xml', 10, ['2024-08-08']), { sourceKey: 'a.xml' }),
    ).rejects.toBeInstanceOf(CommitFailedError);
    expect(losing.lost()).toBe(3);
    const tableFolder = join(lake.root, 'lake/quotelab/ticks');
    expect(
      readdirSync(tableFolder, { recursive: true }).filter((p) => String(p).endsWith('.parquet')),
    ).toEqual([]);
    expect(readdirSync(join(tableFolder, 'metadata')).sort()).toEqual([
      expect.stringMatching(/^00000-/),
      'v0.metadata.json',
      'version-hint.text',
    ]);
    expect((await IcebergTable.load(lake, TICKS)).snapshots()).toEqual([]);
  });
});
