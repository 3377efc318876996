/** The erasure service over the table, built once per process (reconciler; the erase command builds its own). */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { documentClient } from '../adapters/dynamodb/client.js';
import { DynamoErasureStore } from '../adapters/dynamodb/erasure-store.js';
import { ErasureService } from '../domain/erasure.js';

export const erasure = new ErasureService(
  new DynamoErasureStore(
    documentClient,
    getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' }),
  ),
);
