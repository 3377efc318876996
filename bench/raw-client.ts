/**
 * The bare DocumentClient the read routes are held against. It is bundled with the functions'
 * own esbuild options, so the baseline runs the very SDK build the handlers run, not the copy in
 * node_modules.
 */
import { BatchGetItemCommand, type BatchGetItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

export function rawClient(endpoint: string) {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint }));
  return {
    get: async (input: GetCommandInput) => (await client.send(new GetCommand(input))).Item,
    query: async (input: QueryCommandInput) => (await client.send(new QueryCommand(input))).Items ?? [],
    /** BatchGetItem in the wire format, as the insights route reads its months. */
    batchGet: async (input: BatchGetItemCommandInput) =>
      (await client.send(new BatchGetItemCommand(input))).Responses ?? {},
  };
}

export type RawClient = ReturnType<typeof rawClient>;
