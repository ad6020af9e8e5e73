/**
 * KeyValueStore: small, strongly consistent state (ingest ledger, study trials, model registry, flags).
 * DynamoDB in AWS, SQLite (node:sqlite) locally. One store instance is one table.
 *
 * Items are addressed by a partition key `pk` and a sort key `sk` (both strings); their other
 * attributes are JSON-like values. Sort keys order by UTF-8 bytes, as in DynamoDB.
 */

export type KvScalar = string | number | boolean | null;
export type KvValue = KvScalar | KvValue[] | { [name: string]: KvValue };
export type KvAttributes = Record<string, KvValue>;

export interface ItemKey {
  pk: string;
  sk: string;
}

export type Item = ItemKey & KvAttributes;

/**
 * Preconditions, kept to the few that every backend can evaluate atomically.
 * `attributeEquals` compares scalars only.
 */
export type Condition =
  | { kind: 'absent' }
  | { kind: 'exists' }
  | { kind: 'attributeEquals'; name: string; value: KvScalar }
  | { kind: 'attributeAbsent'; name: string };

export interface ItemUpdate {
  /** Attributes to set (overwrite). */
  set?: KvAttributes;
  /** Numeric attributes to increment (an absent attribute counts as 0). */
  add?: Record<string, number>;
  /** Attributes to remove. */
  remove?: string[];
}

export interface QueryOptions {
  /** Only sort keys starting with this string. */
  skPrefix?: string;
  /** Descending sort-key order. */
  descending?: boolean;
  limit?: number;
  cursor?: string;
}

export interface QueryPage {
  items: Item[];
  cursor?: string;
}

export type TransactionItem =
  | { put: Item; condition?: Condition }
  | { update: ItemKey; changes: ItemUpdate; condition?: Condition }
  | { delete: ItemKey; condition?: Condition }
  | { check: ItemKey; condition: Condition };

export interface KeyValueStore {
  readonly location: string;
  get(key: ItemKey): Promise<Item | undefined>;
  /** Writes a whole item. Throws PreconditionFailedError when `condition` does not hold. */
  put(item: Item, condition?: Condition): Promise<void>;
  /** Changes some attributes (creating the item if absent) and returns the item after the change. */
  update(key: ItemKey, changes: ItemUpdate, condition?: Condition): Promise<Item>;
  delete(key: ItemKey, condition?: Condition): Promise<void>;
  /** Items of one partition in sort-key order. */
  query(pk: string, options?: QueryOptions): Promise<QueryPage>;
  /** All or nothing, up to 25 items on distinct keys. Throws TransactionCanceledError. */
  transactWrite(items: TransactionItem[]): Promise<void>;
}

export const MAX_TRANSACTION_ITEMS = 25;

/** Every item of a partition, following pagination. */
export async function* queryAll(
  store: KeyValueStore,
  pk: string,
  options: Omit<QueryOptions, 'cursor'> = {},
): AsyncGenerator<Item> {
  let cursor: string | undefined;
  do {
    const page = await store.query(pk, { ...options, cursor });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor);
}

/** Evaluates a condition against the current item (undefined = absent). Used by local adapters and tests. */
export function conditionHolds(condition: Condition | undefined, current: Item | undefined): boolean {
  if (!condition) return true;
  switch (condition.kind) {
    case 'absent':
      return current === undefined;
    case 'exists':
      return current !== undefined;
    case 'attributeEquals':
      return current !== undefined && current[condition.name] === condition.value;
    case 'attributeAbsent':
      return current === undefined || !(condition.name in current);
  }
}

export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'absent':
      return 'item must not exist';
    case 'exists':
      return 'item must exist';
    case 'attributeEquals':
      return `${condition.name} must equal ${JSON.stringify(condition.value)}`;
    case 'attributeAbsent':
      return `${condition.name} must be absent`;
  }
}

/** Rejects updates every backend would reject: empty ones, and ones that touch the key attributes. */
export function assertValidUpdate(changes: ItemUpdate): void {
  const names = [
    ...Object.keys(changes.set ?? {}),
    ...Object.keys(changes.add ?? {}),
    ...(changes.remove ?? []),
  ];
  if (names.length === 0) throw new TypeError('an update needs at least one attribute to set, add or remove');
  if (names.includes('pk') || names.includes('sk')) throw new TypeError('an update cannot change pk or sk');
  if (new Set(names).size !== names.length) throw new TypeError('an update names an attribute twice');
}

/** Rejects transactions every backend would reject: too many items, or two items on one key. */
export function assertValidTransaction(items: TransactionItem[]): void {
  if (items.length === 0) throw new TypeError('a transaction needs at least one item');
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new TypeError(`a transaction takes at most ${MAX_TRANSACTION_ITEMS} items, got ${items.length}`);
  }
  const keys = new Set(items.map((item) => JSON.stringify(transactionItemKey(item))));
  if (keys.size !== items.length) throw new TypeError('a transaction cannot touch one key twice');
}

export function transactionItemKey(item: TransactionItem): ItemKey {
  const key =
    'put' in item ? item.put : 'update' in item ? item.update : 'delete' in item ? item.delete : item.check;
  return { pk: key.pk, sk: key.sk };
}

/** Applies an update to an item (pure), as DynamoDB's SET/ADD/REMOVE would. */
export function applyUpdate(key: ItemKey, current: Item | undefined, changes: ItemUpdate): Item {
  assertValidUpdate(changes);
  const next: Item = { ...(current ?? {}), ...(changes.set ?? {}), pk: key.pk, sk: key.sk };
  for (const [name, delta] of Object.entries(changes.add ?? {})) {
    const base = next[name];
    if (base !== undefined && typeof base !== 'number') {
      throw new TypeError(`cannot add to non-numeric attribute ${name}`);
    }
    next[name] = (base ?? 0) + delta;
  }
  for (const name of changes.remove ?? []) delete next[name];
  return next;
}
