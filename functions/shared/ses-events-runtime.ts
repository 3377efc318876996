/** The composition root of the SES events consumer: the suppression list and its queue. */
import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { documentClient } from '../adapters/dynamodb/client.js';
import { ContactStore } from '../adapters/dynamodb/contact-store.js';
import { backoffOf, queueDefinitions } from '../queue/definitions.js';

const tableName = getStringFromEnv({ key: 'TABLE_NAME', errorMessage: 'TABLE_NAME is not set' });
export const contacts = new ContactStore(documentClient, tableName);
export const sesEventsQueueUrl = getStringFromEnv({
  key: 'SES_EVENTS_QUEUE_URL',
  errorMessage: 'SES_EVENTS_QUEUE_URL is not set',
});
export const sesEventsBackoff = backoffOf(queueDefinitions.sesEvents);
