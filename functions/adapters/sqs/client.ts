import { SQSClient } from '@aws-sdk/client-sqs';

/** One SQS client per process; `SQS_ENDPOINT` points it at the local queues. */
export const sqsClient = new SQSClient(
  process.env.SQS_ENDPOINT ? { endpoint: process.env.SQS_ENDPOINT } : {},
);
