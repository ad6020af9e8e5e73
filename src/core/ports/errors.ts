/**
 * Errors every adapter raises in the same shape, so use cases can react to "someone else won"
 * without knowing whether the store is S3, DynamoDB, a folder or SQLite.
 */

/** A conditional write lost: the object/item was not in the state the caller required. */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
  readonly key: string;
  readonly condition: string;

  constructor(key: string, condition: string) {
    super(`precondition failed for ${key}: ${condition}`);
    this.key = key;
    this.condition = condition;
  }
}

/** A read of something that does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly key: string;

  constructor(key: string) {
    super(`not found: ${key}`);
    this.key = key;
  }
}

/** A transactional write was rejected as a whole; `reasons[i]` explains item i (undefined = that item was fine). */
export class TransactionCanceledError extends Error {
  override readonly name = 'TransactionCanceledError';
  readonly reasons: ReadonlyArray<string | undefined>;

  constructor(reasons: ReadonlyArray<string | undefined>) {
    super(
      `transaction canceled: ${reasons
        .map((reason, i) => (reason ? `item ${i}: ${reason}` : undefined))
        .filter(Boolean)
        .join('; ')}`,
    );
    this.reasons = reasons;
  }
}
