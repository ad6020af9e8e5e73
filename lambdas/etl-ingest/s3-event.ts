/**
 * The S3 event the ETL Lambda receives, parsed at the edge with zod into the object keys it names.
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

/** Thrown for an event that is not an S3 ObjectCreated notification: the invocation fails, nothing is read. */
export class NotAnS3EventError extends Error {
  override readonly name = 'NotAnS3EventError';
}

/** The object keys of an S3 ObjectCreated event, decoded. */
export function objectKeysOf(event: unknown): string[] {
  const parsed = s3EventSchema.safeParse(event);
  if (!parsed.success)
    throw new NotAnS3EventError(
      `not an S3 ObjectCreated event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data.Records.map(objectKeyOf);
}
