/**
 * An HTTP function's unexpected error: a 500 that reveals nothing, and one structured log line with
 * the Lambda context, from the logger the function loads only then.
 */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { apiEvent, call, context } from '../support/events.js';

Object.assign(process.env, {
  TABLE_NAME: 'leads',
  AWS_REGION: 'eu-west-1',
  CURSOR_SECRET: 'test',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});
const ddb = mockClient(DynamoDBDocumentClient);
const { handler: accept } = await import('../../functions/accept-lead/handler.js');

const id = '01JD0000000000000000000000';

it('answers 500 internal-error and logs the error once with the request context', async () => {
  ddb.on(UpdateCommand).rejects(new Error('socket hang up'));
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    const response = await call(
      accept,
      apiEvent({
        method: 'POST',
        path: `/v1/leads/${id}/accept`,
        pathParameters: { id },
        body: {
          deal: { name: 'ERP', value: { amount: 1, currency: 'EUR' }, estimatedCloseDate: '2027-01-31' },
        },
      }),
    );
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ code: 'internal-error', title: 'Internal server error' });
    expect(JSON.stringify(response.body)).not.toContain('socket hang up');
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const logged = lines
    .filter((line) => line.includes('unhandled error'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({
    level: 'ERROR',
    message: 'unhandled error',
    function_request_id: context.awsRequestId,
    error: { name: 'Error', message: 'socket hang up' },
  });
});
