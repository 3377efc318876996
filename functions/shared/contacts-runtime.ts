/** The contact store the profile and confirmation routes share. */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { documentClient } from '../adapters/dynamodb/client.js';
import { ContactStore } from '../adapters/dynamodb/contact-store.js';

export const contacts = new ContactStore(
  documentClient,
  getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' }),
);
