import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PreconditionFailedError, TransactionCanceledError } from '../../core/ports/errors.ts';
import {
  applyUpdate,
  assertValidTransaction,
  conditionHolds,
  describeCondition,
  transactionItemKey,
} from '../../core/ports/key-value.ts';
import type {
  Condition,
  Item,
  ItemKey,
  ItemUpdate,
  KeyValueStore,
  KvAttributes,
  QueryOptions,
  QueryPage,
  TransactionItem,
} from '../../core/ports/key-value.ts';
import { decodeCursor, encodeCursor } from './object-keys.ts';

const DEFAULT_PAGE = 1000;

/**
 * The KeyValueStore embedded in one SQLite file (Node's built-in `node:sqlite`), shared by every
 * table of a quotelab home. Conditions are checked and writes applied inside one `BEGIN IMMEDIATE`
 * transaction, which SQLite serialises across processes, so a conditional write is atomic even when
 * several CLI processes share the home. WAL mode lets readers proceed while one process writes.
 */
export class SqliteKeyValueStore implements KeyValueStore {
  readonly location: string;
  private readonly db: DatabaseSync;
  private readonly table: string;

  constructor(file: string, table: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA busy_timeout = 10000');
    this.db.exec('PRAGMA journal_mode = WAL');
    // In WAL mode NORMAL survives a process crash without loss (a power cut may drop the last commits).
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS items (tbl TEXT NOT NULL, pk TEXT NOT NULL, sk TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID',
    );
    this.table = table;
    this.location = `sqlite://${file}#${table}`;
  }

  close(): void {
    this.db.close();
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    return this.read(key);
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    this.transaction(() => {
      this.require(item, condition);
      this.write(item);
    });
  }

  async update(key: ItemKey, changes: ItemUpdate, condition?: Condition): Promise<Item> {
    return this.transaction(() => {
      const current = this.require(key, condition);
      const next = applyUpdate(key, current, changes);
      this.write(next);
      return next;
    });
  }

  async delete(key: ItemKey, condition?: Condition): Promise<void> {
    this.transaction(() => {
      this.require(key, condition);
      this.remove(key);
    });
  }

  async query(pk: string, options: QueryOptions = {}): Promise<QueryPage> {
    const limit = Math.max(1, options.limit ?? DEFAULT_PAGE);
    const prefix = options.skPrefix ?? '';
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const order = options.descending ? 'DESC' : 'ASC';
    const beyond = after === undefined ? '' : options.descending ? 'AND sk < ?' : 'AND sk > ?';
    const rows = this.db
      .prepare(
        `SELECT pk, sk, body FROM items WHERE tbl = ? AND pk = ? AND substr(sk, 1, ?) = ? ${beyond} ORDER BY sk ${order} LIMIT ?`,
      )
      .all(
        ...[this.table, pk, prefix.length, prefix, ...(after === undefined ? [] : [after]), limit + 1],
      ) as unknown as Row[];
    const items = rows.slice(0, limit).map(toItem);
    const last = items.at(-1);
    return { items, cursor: rows.length > limit && last ? encodeCursor(last.sk) : undefined };
  }

  async transactWrite(items: TransactionItem[]): Promise<void> {
    assertValidTransaction(items);
    this.transaction(() => {
      const currents = items.map((item) => this.read(transactionItemKey(item)));
      const reasons = items.map((item, i) =>
        item.condition && !conditionHolds(item.condition, currents[i])
          ? describeCondition(item.condition)
          : undefined,
      );
      if (reasons.some((reason) => reason !== undefined)) throw new TransactionCanceledError(reasons);
      items.forEach((item, i) => {
        if ('put' in item) this.write(item.put);
        else if ('update' in item) this.write(applyUpdate(item.update, currents[i], item.changes));
        else if ('delete' in item) this.remove(item.delete);
      });
    });
  }

  private require(key: ItemKey, condition: Condition | undefined): Item | undefined {
    const current = this.read(key);
    if (!conditionHolds(condition, current)) {
      throw new PreconditionFailedError(`${key.pk}/${key.sk}`, describeCondition(condition!));
    }
    return current;
  }

  private read(key: ItemKey): Item | undefined {
    const row = this.db
      .prepare('SELECT pk, sk, body FROM items WHERE tbl = ? AND pk = ? AND sk = ?')
      .get(this.table, key.pk, key.sk) as unknown as Row | undefined;
    return row && toItem(row);
  }

  private write(item: Item): void {
    const { pk, sk, ...attributes } = item;
    this.db
      .prepare('INSERT OR REPLACE INTO items (tbl, pk, sk, body) VALUES (?, ?, ?, ?)')
      .run(this.table, pk, sk, JSON.stringify(attributes));
  }

  private remove(key: ItemKey): void {
    this.db.prepare('DELETE FROM items WHERE tbl = ? AND pk = ? AND sk = ?').run(this.table, key.pk, key.sk);
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

interface Row {
  pk: string;
  sk: string;
  body: string;
}

function toItem(row: Row): Item {
  return { ...(JSON.parse(row.body) as KvAttributes), pk: row.pk, sk: row.sk };
}
