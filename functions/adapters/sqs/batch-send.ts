/**
 * SendMessageBatch with the process's SQS client. The delivery queue imports this module at its
 * first send, never at cold start: the webhook routes that can queue a delivery (test, retry,
 * replay) seldom do, and loading the SQS client with its commands cost each of them about 3 ms
 * of every cold start (README, cold start). esbuild keeps a dynamically imported module in the
 * bundle and runs it at the first `import()`.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { sqsClient } from './client.js';

export const sendBatch = (queueUrl: string, entries: SendMessageBatchRequestEntry[]) =>
  sqsClient.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
