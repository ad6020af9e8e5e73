/**
 * The S3 event the ETL Lambda receives, validated with zod, and the shim `quotelab ingest` uses to drive
 * the same handler locally.
 */
import { z } from 'zod';

export const s3EventSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:s3'),
        eventName: z.string().startsWith('ObjectCreated:'),
        s3: z.object({
          bucket: z.object({ name: z.string().min(1) }),
          object: z.object({ key: z.string().min(1), size: z.number().int().nonnegative().optional() }),
        }),
      }),
    )
    .min(1),
});

export type S3Event = z.infer<typeof s3EventSchema>;

/** S3 event keys are URL-encoded with '+' for spaces. */
export function objectKeyOf(record: S3Event['Records'][number]): string {
  return decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
}

/** An S3 ObjectCreated event for keys already in the local data store (what `quotelab ingest` sends). */
export function s3EventFor(bucket: string, keys: string[]): S3Event {
  return {
    Records: keys.map((key) => ({
      eventSource: 'aws:s3' as const,
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: bucket },
        object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+') },
      },
    })),
  };
}
