/**
 * The deployed grants, enforced locally: every DynamoDB request a handler sends through the shared
 * document client is checked against what lib/function-grants.ts lets that function do, as IAM
 * would (action, `dynamodb:LeadingKeys` partitions, named index), and refused with an
 * AccessDeniedException otherwise. So `npm start` and the integration tests fail where AWS would,
 * instead of a missing grant first showing up as a 500 in production.
 *
 * The local runtime runs every function in one process; `asFunction` says which one is running.
 * Requests outside any function (the table's creation, the senders' registration) are not checked.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { indexes } from '../functions/adapters/dynamodb/table-definition.js';
import { loggableKey } from '../functions/stream/records.js';
import { grantsOf } from '../lib/function-grants.js';

const running = new AsyncLocalStorage<string>();

/** `insightsAggregator` -> `insights-aggregator`: the stream poller names consumers in camel case. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Runs `work` as the function `name` (its folder under functions/). */
export function asFunction<T>(name: string, work: () => Promise<T>): Promise<T> {
  return running.run(kebab(name), work);
}

/** One IAM request: an action on the table (and its partition keys) or a Query on an index. */
interface Request {
  action: string;
  partitions: string[];
  index?: string;
}

type Input = Record<string, unknown>;
const record = (value: unknown): Input =>
  typeof value === 'object' && value !== null ? (value as Input) : {};
/** A key's pk, marshalled ({ S }) or not. */
const pkOf = (key: unknown): string => {
  const pk = record(key).pk;
  return typeof pk === 'string' ? pk : String(record(pk).S ?? '');
};
const tableItems = (input: Input): unknown[] => {
  const items = Object.values(record(input.RequestItems))[0];
  return Array.isArray(items) ? items : ((record(items).Keys as unknown[]) ?? []);
};

/** The pk a Query's key condition binds (`pk = :pk` or `#pk = :pk`). */
function queryPartition(input: Input): string {
  const names = record(input.ExpressionAttributeNames);
  for (const [, name, value] of String(input.KeyConditionExpression ?? '').matchAll(
    /([#\w]+)\s*=\s*(:\w+)/g,
  )) {
    if ((names[name ?? ''] ?? name) === 'pk')
      return pkOf({ pk: record(input.ExpressionAttributeValues)[value ?? ''] });
  }
  return '';
}

/** What IAM authorises for a command, by the command's name and input (marshalled or not). */
export function requestsOf(command: string, input: Input): Request[] {
  const name = command.replace(/Command$/, '');
  switch (name) {
    case 'Get':
    case 'GetItem':
      return [{ action: 'dynamodb:GetItem', partitions: [pkOf(input.Key)] }];
    case 'Put':
    case 'PutItem':
      return [{ action: 'dynamodb:PutItem', partitions: [pkOf(input.Item)] }];
    case 'Update':
    case 'UpdateItem':
      return [{ action: 'dynamodb:UpdateItem', partitions: [pkOf(input.Key)] }];
    case 'Delete':
    case 'DeleteItem':
      return [{ action: 'dynamodb:DeleteItem', partitions: [pkOf(input.Key)] }];
    case 'Query':
      return typeof input.IndexName === 'string'
        ? [{ action: 'dynamodb:Query', partitions: [], index: input.IndexName }]
        : [{ action: 'dynamodb:Query', partitions: [queryPartition(input)] }];
    case 'BatchGet':
    case 'BatchGetItem':
      return [{ action: 'dynamodb:BatchGetItem', partitions: tableItems(input).map(pkOf) }];
    case 'BatchWrite':
    case 'BatchWriteItem':
      return [
        {
          action: 'dynamodb:BatchWriteItem',
          partitions: tableItems(input).map((r) =>
            pkOf(record(record(r).PutRequest).Item ?? record(record(r).DeleteRequest).Key),
          ),
        },
      ];
    case 'TransactWrite':
    case 'TransactWriteItems':
      return ((input.TransactItems as unknown[]) ?? []).flatMap((item) => {
        const [kind, body] = Object.entries(record(item))[0] ?? [];
        const action = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
        }[kind ?? ''];
        const key = kind === 'Put' ? record(body).Item : record(body).Key;
        return [{ action: `dynamodb:${action ?? kind}`, partitions: [pkOf(key)] }];
      });
    default:
      // Scan, and anything else no function is granted.
      return [{ action: `dynamodb:${name}`, partitions: [] }];
  }
}

/** StringLike with `*`, as IAM matches `dynamodb:LeadingKeys`. */
const like = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);

/** Whether the function's grants allow the request. */
export function permits(fn: string, request: Request): boolean {
  const { items = [], queries = [] } = grantsOf(fn).table;
  if (request.index !== undefined) {
    return request.action === 'dynamodb:Query' && queries.some((key) => indexes[key].name === request.index);
  }
  return items.some(
    (grant) =>
      grant.actions.includes(request.action as (typeof grant.actions)[number]) &&
      request.partitions.every((pk) => grant.partitions.some((pattern) => like(pattern, pk))),
  );
}

/** What AWS answers a request IAM does not allow. */
class AccessDeniedException extends Error {
  override name = 'AccessDeniedException';
  readonly $fault = 'client';
}

/** Checks every request `client` sends while a function runs; refuses what its grants do not allow. */
export function enforceGrants(
  client: Pick<DynamoDBClient, 'middlewareStack'>,
  log: (line: string) => void,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const fn = running.getStore();
      if (fn !== undefined) {
        for (const request of requestsOf(String(context.commandName ?? ''), record(args.input))) {
          if (!permits(fn, request)) {
            const on = request.index
              ? `index ${request.index}`
              : request.partitions.map(loggableKey).join(', ');
            const message = `local IAM: ${fn} is not allowed ${request.action} on ${on} (lib/function-grants.ts)`;
            log(message);
            throw new AccessDeniedException(message);
          }
        }
      }
      return next(args);
    },
    { step: 'build', name: 'localIamCheck' },
  );
}
