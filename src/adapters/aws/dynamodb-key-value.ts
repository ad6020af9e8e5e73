import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { PreconditionFailedError, TransactionCanceledError } from '../../core/ports/errors.ts';
import { assertValidTransaction, assertValidUpdate, describeCondition } from '../../core/ports/key-value.ts';
import type {
  Condition,
  Item,
  ItemKey,
  ItemUpdate,
  KeyValueStore,
  KvValue,
  QueryOptions,
  QueryPage,
  TransactionItem,
} from '../../core/ports/key-value.ts';
import { awsClientSettings } from './aws-config.ts';

export interface DynamoDbKeyValueStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
}

/** An expression fragment with the placeholder names and values it uses. */
interface Expression {
  text: string;
  names: Record<string, string>;
  values: Record<string, KvValue>;
}

/**
 * The KeyValueStore on one DynamoDB table with string keys `pk` (partition) and `sk` (sort).
 * Conditions become ConditionExpressions, so they are evaluated atomically by DynamoDB.
 */
export class DynamoDbKeyValueStore implements KeyValueStore {
  readonly location: string;
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbKeyValueStoreOptions) {
    const client = options.client ?? new DynamoDBClient(awsClientSettings());
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.tableName = options.tableName;
    this.location = `dynamodb://${options.tableName}`;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: true }),
    );
    return result.Item as Item | undefined;
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    const guard = conditionExpression(condition);
    await this.conditional(item, condition, () =>
      this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: item, ...expressionParams(guard) }),
      ),
    );
  }

  async update(key: ItemKey, changes: ItemUpdate, condition?: Condition): Promise<Item> {
    const change = updateExpression(changes);
    const guard = conditionExpression(condition);
    const result = await this.conditional(key, condition, () =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: change.text,
          ...expressionParams(guard, change),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result.Attributes as Item;
  }

  async delete(key: ItemKey, condition?: Condition): Promise<void> {
    const guard = conditionExpression(condition);
    await this.conditional(key, condition, () =>
      this.documents.send(
        new DeleteCommand({ TableName: this.tableName, Key: keyOf(key), ...expressionParams(guard) }),
      ),
    );
  }

  async query(pk: string, options: QueryOptions = {}): Promise<QueryPage> {
    const prefix = options.skPrefix ? ' AND begins_with(#sk, :prefix)' : '';
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: `#pk = :pk${prefix}`,
        ExpressionAttributeNames: { '#pk': 'pk', ...(prefix ? { '#sk': 'sk' } : {}) },
        ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': options.skPrefix } : {}) },
        ScanIndexForward: !options.descending,
        Limit: options.limit,
        ExclusiveStartKey: options.cursor
          ? JSON.parse(Buffer.from(options.cursor, 'base64url').toString())
          : undefined,
        ConsistentRead: true,
      }),
    );
    return {
      items: (result.Items ?? []) as Item[],
      cursor: result.LastEvaluatedKey
        ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url')
        : undefined,
    };
  }

  async transactWrite(items: TransactionItem[]): Promise<void> {
    assertValidTransaction(items);
    const TransactItems: NonNullable<TransactWriteCommandInput['TransactItems']> = items.map((item) => {
      const guard = conditionExpression(item.condition);
      if ('put' in item)
        return { Put: { TableName: this.tableName, Item: item.put, ...expressionParams(guard) } };
      if ('update' in item) {
        const change = updateExpression(item.changes);
        return {
          Update: {
            TableName: this.tableName,
            Key: keyOf(item.update),
            UpdateExpression: change.text,
            ...expressionParams(guard, change),
          },
        };
      }
      if ('delete' in item) {
        return { Delete: { TableName: this.tableName, Key: keyOf(item.delete), ...expressionParams(guard) } };
      }
      return {
        ConditionCheck: { TableName: this.tableName, Key: keyOf(item.check), ...expressionParams(guard) },
      };
    });
    try {
      await this.documents.send(new TransactWriteCommand({ TransactItems }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = items.map((item, i) => {
          const code = error.CancellationReasons?.[i]?.Code;
          if (!code || code === 'None') return undefined;
          return code === 'ConditionalCheckFailed' && item.condition
            ? describeCondition(item.condition)
            : code;
        });
        throw new TransactionCanceledError(reasons);
      }
      throw error;
    }
  }

  private async conditional<T>(
    key: ItemKey,
    condition: Condition | undefined,
    send: () => Promise<T>,
  ): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && condition) {
        throw new PreconditionFailedError(`${key.pk}/${key.sk}`, describeCondition(condition));
      }
      throw error;
    }
  }
}

function keyOf(key: ItemKey): ItemKey {
  return { pk: key.pk, sk: key.sk };
}

function conditionExpression(condition: Condition | undefined): Expression | undefined {
  if (!condition) return undefined;
  switch (condition.kind) {
    case 'absent':
      return { text: 'attribute_not_exists(#cpk)', names: { '#cpk': 'pk' }, values: {} };
    case 'exists':
      return { text: 'attribute_exists(#cpk)', names: { '#cpk': 'pk' }, values: {} };
    case 'attributeEquals':
      return {
        text: '#cattr = :cvalue',
        names: { '#cattr': condition.name },
        values: { ':cvalue': condition.value },
      };
    case 'attributeAbsent':
      return { text: 'attribute_not_exists(#cattr)', names: { '#cattr': condition.name }, values: {} };
  }
}

function updateExpression(changes: ItemUpdate): Expression {
  assertValidUpdate(changes);
  const names: Record<string, string> = {};
  const values: Record<string, KvValue> = {};
  const clauses: string[] = [];
  const sets = Object.entries(changes.set ?? {}).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  if (sets.length) clauses.push(`SET ${sets.join(', ')}`);
  const adds = Object.entries(changes.add ?? {}).map(([name, delta], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = delta;
    return `#a${i} :a${i}`;
  });
  if (adds.length) clauses.push(`ADD ${adds.join(', ')}`);
  const removes = (changes.remove ?? []).map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  if (removes.length) clauses.push(`REMOVE ${removes.join(', ')}`);
  return { text: clauses.join(' '), names, values };
}

/** Merges expression placeholders into request parameters, omitting empty maps (DynamoDB rejects them). */
function expressionParams(condition: Expression | undefined, update?: Expression) {
  const names = { ...update?.names, ...condition?.names };
  const values = { ...update?.values, ...condition?.values };
  return {
    ConditionExpression: condition?.text,
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
  };
}
