/**
 * Aggregate items (a partner's or the platform's cohort month) as tallies and back. Every figure is a
 * top-level number attribute, so a change is one `ADD` per figure and reading is a sum. Money is
 * written and read as the decimal strings DynamoDB keeps exactly, never through a binary float.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, NumberValue } from '@aws-sdk/lib-dynamodb';
import { addDecimal } from '../../domain/decimal.js';
import { emptyTally, type Tally } from '../../domain/insights.js';
import { Expression } from './expression.js';

/** Figures that hold money (decimal strings); every other number attribute is a count. */
const isMoney = (name: string) => name.startsWith('pipeline:') || name.startsWith('won:');

/** A stored aggregate (in the wire format, numbers as strings) as a tally; keys and tags ignored. */
export function tallyOfItem(item: Record<string, AttributeValue> | undefined): Tally {
  return addItem(emptyTally(), item);
}

/** Adds a stored aggregate into a tally in place (no intermediate tally per item). */
export function addItem(tally: Tally, item: Record<string, AttributeValue> | undefined): Tally {
  for (const name in item) {
    const n = item[name]?.N;
    if (n === undefined) continue;
    if (isMoney(name)) tally.money[name] = addDecimal(tally.money[name] ?? '0', n);
    else tally.counts[name] = (tally.counts[name] ?? 0) + Number(n);
  }
  return tally;
}

/** A tally as several, each of at most `figures` figures (one ADD expression holds at most 4 KB). */
export function splitTally(tally: Tally, figures: number): Tally[] {
  const entries = [
    ...Object.entries(tally.counts).map(([k, v]) => ({ k, count: v })),
    ...Object.entries(tally.money).map(([k, v]) => ({ k, money: v })),
  ];
  const parts: Tally[] = [];
  for (let i = 0; i < entries.length; i += figures) {
    const part: Tally = { counts: {}, money: {} };
    for (const e of entries.slice(i, i + figures)) {
      if ('count' in e) part.counts[e.k] = e.count;
      else part.money[e.k] = e.money;
    }
    parts.push(part);
  }
  return parts;
}

/** `ADD` of every figure of a tally, for an UpdateItem or a transaction's Update. */
export function addExpression(tally: Tally): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const x = new Expression();
  const terms = [
    ...Object.entries(tally.counts).map(([name, n]) => `${x.name(name)} ${x.value(n)}`),
    ...Object.entries(tally.money).map(
      ([name, amount]) => `${x.name(name)} ${x.value(NumberValue.from(amount))}`,
    ),
  ];
  return {
    UpdateExpression: `ADD ${terms.join(', ')}`,
    ExpressionAttributeNames: x.names,
    ExpressionAttributeValues: x.values,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BATCH_GET_KEYS = 100;

/**
 * Every item of `keys` that exists, in the wire format, read with BatchGetItem (100 keys a request,
 * unprocessed keys retried with backoff). Wire format keeps money exact.
 */
export async function batchGetRaw(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: Array<{ pk: string; sk: string }>,
): Promise<Array<Record<string, AttributeValue>>> {
  const found: Array<Record<string, AttributeValue>> = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    let pending: Array<Record<string, AttributeValue>> = keys
      .slice(i, i + BATCH_GET_KEYS)
      .map(({ pk, sk }) => ({ pk: { S: pk }, sk: { S: sk } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      if (attempt > 8) throw new Error('BatchGetItem kept leaving keys unprocessed');
      const result = await db.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** Items read back by key: `pk|sk` -> item. */
export const byKey = (items: Array<Record<string, AttributeValue>>) =>
  new Map(items.map((item) => [`${item.pk?.S}|${item.sk?.S}`, item]));

/** The sum of several stored aggregates. */
export function sumItems(items: Array<Record<string, AttributeValue> | undefined>): Tally {
  const total = emptyTally();
  for (const item of items) addItem(total, item);
  return total;
}
