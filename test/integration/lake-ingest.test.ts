/**
 * The lakehouse through the AWS adapters over HTTP (moto): S3 for the data bucket and Iceberg files,
 * Glue as the catalog (commits under the DynamoDB lease lock), DynamoDB for the ledger. Athena cannot run
 * SQL on moto, so tables are read back with our Iceberg reader (the conformance tier checks that reader
 * against PyIceberg and DuckDB).
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../src/adapters/aws/aws-config.ts';
import { openAwsPlatform } from '../../src/adapters/aws/aws-platform.ts';
import { IcebergTable, keyOf } from '../../src/core/lake/iceberg/index.ts';
import { metadataVersionOf } from '../../src/core/lake/iceberg/metadata.ts';
import { getText } from '../../src/core/ports/object-store.ts';
import type { Platform } from '../../src/core/platform.ts';
import { generateMarket } from '../../src/usecases/generate.ts';
import { ingestObject } from '../../src/usecases/ingest.ts';
import { ledgerKey } from '../../src/usecases/ingest-ledger.ts';
import { awsTierSkipped, resetEmulator, uniqueName } from '../support/aws-env.ts';
import { createBucket, createKeyValueTable } from '../support/aws-resources.ts';

const REAL = fileURLToPath(new URL('../../data/krx-options-20251201/', import.meta.url));
const FILES = [
  '202601_20251219_CODE_CALL.xml',
  '202601_20251219_CODE_PUT.xml',
  '202601_20251201_TICK_CALL.xml',
  '202601_20251201_TICK_PUT.xml',
];

async function freshEnvironment(): Promise<NodeJS.ProcessEnv> {
  const env = {
    ...process.env,
    QUOTELAB_DATA_BUCKET: uniqueName('quotelab-data'),
    QUOTELAB_STATE_TABLE: uniqueName('quotelab-state'),
    QUOTELAB_INGEST_LEDGER_TABLE: uniqueName('quotelab-ledger'),
    QUOTELAB_GLUE_DATABASE: uniqueName('quotelab_db').replace(/-/g, '_'),
    QUOTELAB_ATHENA_WORKGROUP: 'primary',
  };
  await createBucket(env.QUOTELAB_DATA_BUCKET);
  await createKeyValueTable(env.QUOTELAB_STATE_TABLE);
  await createKeyValueTable(env.QUOTELAB_INGEST_LEDGER_TABLE);
  await new GlueClient(awsClientSettings()).send(
    new CreateDatabaseCommand({ DatabaseInput: { Name: env.QUOTELAB_GLUE_DATABASE } }),
  );
  return env;
}

const deps = (platform: Platform) => ({
  data: platform.data,
  lake: platform.lake,
  namespace: platform.namespace,
  ledger: platform.ingestLedger,
});
const rows = async (platform: Platform, name: string) =>
  (await IcebergTable.load(platform.lake, { namespace: platform.namespace, name })).read();

describe.skipIf(awsTierSkipped)('the lake on S3 + Glue + DynamoDB over HTTP', () => {
  beforeAll(resetEmulator);

  it('ingests the real day: bronze 3,347 ticks and 306 codes, silver by side, Glue tables Athena can read', async () => {
    const env = await freshEnvironment();
    const platform = openAwsPlatform(env);
    for (const file of FILES) {
      await platform.data.put(`incoming/${file}`, readFileSync(join(REAL, file)));
      expect((await ingestObject(deps(platform), `incoming/${file}`)).outcome).toBe('ingested');
    }
    expect(await rows(platform, 'bronze_ticks')).toHaveLength(3347);
    expect(await rows(platform, 'bronze_codes')).toHaveLength(306);
    const silver = await rows(platform, 'silver_ticks');
    expect(silver.filter((r) => r.side === 'CALL')).toHaveLength(1549);
    expect(silver.filter((r) => r.side === 'PUT')).toHaveLength(1798);
    expect(await rows(platform, 'gold_bars_1m')).toHaveLength(59667);

    const glue = await new GlueClient(awsClientSettings()).send(
      new GetTableCommand({ DatabaseName: env.QUOTELAB_GLUE_DATABASE, Name: 'silver_ticks' }),
    );
    expect(glue.Table?.Parameters).toMatchObject({ table_type: 'ICEBERG' });
    expect(glue.Table?.Parameters?.metadata_location).toMatch(
      new RegExp(
        `^s3://${env.QUOTELAB_DATA_BUCKET}/lake/${env.QUOTELAB_GLUE_DATABASE}/silver_ticks/metadata/\\d{5}-.+\\.metadata\\.json$`,
      ),
    );
    expect(glue.Table?.Parameters?.previous_metadata_location).toMatch(/metadata\.json$/);
    // Folder readers find the same version on S3: metadata/version-hint.text → metadata/v<N>.metadata.json.
    const silverMetadata = `lake/${env.QUOTELAB_GLUE_DATABASE}/silver_ticks/metadata`;
    const current = glue.Table!.Parameters!.metadata_location!;
    const hint = await getText(platform.lake.store, `${silverMetadata}/version-hint.text`);
    expect(hint).toBe(String(metadataVersionOf(current)));
    expect(await getText(platform.lake.store, `${silverMetadata}/v${hint}.metadata.json`)).toBe(
      await getText(platform.lake.store, keyOf(platform.lake, current)),
    );

    for (const file of FILES) {
      await platform.data.put(`incoming/${file}`, readFileSync(join(REAL, file)));
      expect((await ingestObject(deps(platform), `incoming/${file}`)).outcome).toBe('unchanged');
    }
    expect(await rows(platform, 'bronze_ticks')).toHaveLength(3347);
  });

  it('runs the real Lambda handler on an S3 event: ingests, then moves the source to processed/', async () => {
    const env = await freshEnvironment();
    Object.assign(process.env, env, {
      POWERTOOLS_METRICS_NAMESPACE: 'quotelab-test',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    const platform = openAwsPlatform(env);
    const key = 'incoming/202601_20251201_TICK_PUT.xml';
    await platform.data.put(key, readFileSync(join(REAL, '202601_20251201_TICK_PUT.xml')));
    const { handler } = await import('../../lambdas/etl-ingest/handler.ts');
    const event = {
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: env.QUOTELAB_DATA_BUCKET }, object: { key } },
        },
      ],
    };
    const handled = await handler(event, {
      functionName: 'etl-ingest',
      awsRequestId: 'test-request',
    } as never);
    expect(handled).toEqual([
      expect.objectContaining({ key, archivedTo: 'processed/202601_20251201_TICK_PUT.xml' }),
    ]);
    expect(await platform.data.head(key)).toBeUndefined();
    expect(await platform.data.head('processed/202601_20251201_TICK_PUT.xml')).toBeDefined();
    expect(await rows(platform, 'silver_ticks')).toHaveLength(1798);

    // A file with a bad row is not a failure: the row goes to quarantine and the rest is ingested.
    const bad = 'incoming/broken_TICK_CALL.xml';
    await platform.data.put(
      bad,
      '<?xml version="1.0"?><DocumentElement><row><code>B0161530</code></row></DocumentElement>',
    );
    const otherEvent = {
      ...event,
      Records: [{ ...event.Records[0]!, s3: { ...event.Records[0]!.s3, object: { key: bad } } }],
    };
    await handler(otherEvent, { functionName: 'etl-ingest', awsRequestId: 'test-request-2' } as never);
    expect((await rows(platform, 'quarantine')).filter((r) => r.src_file === bad)).toHaveLength(1);
    // A failure (here: the object is gone) fails the invocation, so Lambda retries it and finally parks the
    // event in the dead-letter queue, and leaves a readable report next to the source.
    const missing = {
      ...event,
      Records: [
        {
          ...event.Records[0]!,
          s3: { ...event.Records[0]!.s3, object: { key: 'incoming/never-uploaded.xml' } },
        },
      ],
    };
    await expect(
      handler(missing, { functionName: 'etl-ingest', awsRequestId: 'test-request-3' } as never),
    ).rejects.toThrow(/never-uploaded\.xml/);
    expect(
      JSON.parse(
        new TextDecoder().decode(await platform.data.getBytes('incoming/never-uploaded.xml.error.json')),
      ),
    ).toMatchObject({
      source: 'incoming/never-uploaded.xml',
      error: { name: 'NotFoundError' },
    });

    // A key another live worker holds is not a success either: the invocation fails (to be retried, then
    // dead-lettered with its alarm), nothing is ingested, and the source stays in incoming/.
    const held = 'incoming/202601_20251201_TICK_CALL.xml';
    await platform.data.put(held, readFileSync(join(REAL, '202601_20251201_TICK_CALL.xml')));
    await platform.ingestLedger.put({
      ...ledgerKey(held),
      key: held,
      sha256: 'another-version',
      status: 'running',
      owner: 'live-worker',
      generation: 1,
      startedAt: Date.now(),
      leaseUntil: Date.now() + 600_000,
      holderHost: 'another-sandbox',
      holderPid: 8,
    });
    process.env.QUOTELAB_INGEST_BUSY_WAIT_MS = '0';
    const heldEvent = {
      ...event,
      Records: [{ ...event.Records[0]!, s3: { ...event.Records[0]!.s3, object: { key: held } } }],
    };
    await expect(
      handler(heldEvent, { functionName: 'etl-ingest', awsRequestId: 'test-request-4' } as never),
    ).rejects.toThrow(/busy: being ingested by process 8 on another-sandbox/);
    expect(await platform.data.head(held)).toBeDefined();
    expect((await rows(platform, 'silver_ticks')).filter((r) => r.side === 'CALL')).toHaveLength(0);
    delete process.env.QUOTELAB_INGEST_BUSY_WAIT_MS;
  });

  it('20 ingests of different files started at once all land: every row present, no commit lost', async () => {
    const env = await freshEnvironment();
    const folder = mkdtempSync(join(tmpdir(), 'quotelab-moto-concurrent-'));
    const generated = await generateMarket({
      out: folder,
      seed: 'moto-concurrency',
      start: '2025-12-01',
      days: 10,
      ticksPerDay: 200,
    });
    const tickFiles = generated.files.filter((f) => f.kind === 'tick');
    const setup = openAwsPlatform(env);
    for (const file of tickFiles)
      await setup.data.put(`incoming/${file.name}`, readFileSync(join(folder, file.name)));

    const workers = tickFiles.map(() => openAwsPlatform(env));
    const results = await Promise.all(
      tickFiles.map((file, i) => ingestObject(deps(workers[i]!), `incoming/${file.name}`)),
    );
    expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('ingested'));

    const expected = tickFiles.reduce((n, f) => n + f.rows, 0);
    expect(await rows(setup, 'bronze_ticks')).toHaveLength(expected);
    expect(await rows(setup, 'silver_ticks')).toHaveLength(expected);
    expect(await rows(setup, 'ingest_log')).toHaveLength(20);
    const bronze = await IcebergTable.load(setup.lake, { namespace: setup.namespace, name: 'bronze_ticks' });
    expect(bronze.snapshots()).toHaveLength(20);
    expect(new Set((await rows(setup, 'gold_bars_1m')).map((r) => `${r.trade_date}|${r.side}`)).size).toBe(
      20,
    );
  }, 600_000);
});
