/**
 * The ETL Lambda parses its S3 event at the edge into object keys: URL-decoded ('+' is a space), every
 * record, and anything that is not an ObjectCreated notification refused with what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { NotAnS3EventError, objectKeysOf } from '../../../lambdas/etl-ingest/s3-event.ts';

const record = (key: string, eventName = 'ObjectCreated:Put') => ({
  eventSource: 'aws:s3',
  eventName,
  s3: { bucket: { name: 'quotelab-data' }, object: { key, size: 10 } },
});

describe('objectKeysOf', () => {
  it('decodes each record’s key', () => {
    expect(
      objectKeysOf({
        Records: [
          record('incoming/202601_20251201_TICK_PUT.xml'),
          record('incoming/my+day%2B1%E2%82%A9.xml'),
        ],
      }),
    ).toEqual(['incoming/202601_20251201_TICK_PUT.xml', 'incoming/my day+1₩.xml']);
  });

  it('refuses what is not an ObjectCreated event, saying why', () => {
    expect(() => objectKeysOf({ Records: [] })).toThrow(NotAnS3EventError);
    expect(() => objectKeysOf({ Records: [record('k', 'ObjectRemoved:Delete')] })).toThrow(
      /not an S3 ObjectCreated event: Records\.0\.eventName/,
    );
    expect(() => objectKeysOf({ detail: {} })).toThrow(/Records/);
  });
});
