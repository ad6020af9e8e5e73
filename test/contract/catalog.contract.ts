/**
 * The Catalog contract: the local key-value catalog and Glue (over HTTP) run these same tests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PreconditionFailedError } from '../../src/core/ports/errors.ts';
import type { Catalog, TableIdentifier } from '../../src/core/ports/catalog.ts';

export function catalogContract(
  name: string,
  open: () => Promise<{ catalog: Catalog; namespace: string }>,
): void {
  describe(`Catalog contract: ${name}`, () => {
    let catalog: Catalog;
    let namespace: string;
    const table = (name: string): TableIdentifier => ({ namespace, name });

    beforeAll(async () => {
      ({ catalog, namespace } = await open());
    });

    it('creates a table once; a second create loses', async () => {
      const created = await catalog.createTable(table('created'), 's3://b/t/metadata/00000-a.metadata.json');
      expect(created.metadataLocation).toBe('s3://b/t/metadata/00000-a.metadata.json');
      await expect(
        catalog.createTable(table('created'), 's3://b/t/metadata/00000-b.metadata.json'),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await catalog.loadTable(table('created')))!.metadataLocation).toBe(
        's3://b/t/metadata/00000-a.metadata.json',
      );
    });

    it('loads an absent table as undefined', async () => {
      expect(await catalog.loadTable(table('absent'))).toBeUndefined();
    });

    it('commits from the current entry; a stale commit loses', async () => {
      const v0 = await catalog.createTable(table('commits'), 'm0');
      const v1 = await catalog.commitTable(table('commits'), v0, 'm1');
      expect(v1.metadataLocation).toBe('m1');
      await expect(catalog.commitTable(table('commits'), v0, 'm1-other')).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      const v2 = await catalog.commitTable(table('commits'), v1, 'm2');
      expect((await catalog.loadTable(table('commits')))!.metadataLocation).toBe(v2.metadataLocation);
    });

    it('of 8 concurrent commits from one base exactly one wins', async () => {
      const base = await catalog.createTable(table('race'), 'base');
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => catalog.commitTable(table('race'), base, `next-${i}`)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const lost of results.filter((r) => r.status === 'rejected')) {
        expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
      }
      expect((await catalog.loadTable(table('race')))!.metadataLocation).toBe(
        (won[0] as PromiseFulfilledResult<{ metadataLocation: string }>).value.metadataLocation,
      );
    });

    it('10 writers that reload and retry on conflict all land, none lost', async () => {
      await catalog.createTable(table('chain'), 'chain');
      await Promise.all(
        Array.from({ length: 10 }, async (_, writer) => {
          for (;;) {
            const current = (await catalog.loadTable(table('chain')))!;
            try {
              await catalog.commitTable(table('chain'), current, `${current.metadataLocation}+w${writer}`);
              return;
            } catch (error) {
              if (!(error instanceof PreconditionFailedError)) throw error;
            }
          }
        }),
      );
      const final = (await catalog.loadTable(table('chain')))!.metadataLocation.split('+');
      expect(final[0]).toBe('chain');
      expect(final.slice(1).sort()).toEqual(Array.from({ length: 10 }, (_, w) => `w${w}`).sort());
    });

    it('lists and drops tables', async () => {
      await catalog.createTable(table('listed'), 'x');
      expect((await catalog.listTables(namespace)).map((t) => t.name)).toContain('listed');
      await catalog.dropTable(table('listed'));
      await catalog.dropTable(table('listed'));
      expect(await catalog.loadTable(table('listed'))).toBeUndefined();
    });
  });
}
