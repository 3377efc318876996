/** The cursor key on AWS: fetched from Secrets Manager once, and a failed fetch is not kept. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { openCursor, sealCursor } from '../../functions/http/cursor.js';

const secrets = mockClient(SecretsManagerClient);
const position = '01J0000000000000000000000A';

describe('cursor key from Secrets Manager', () => {
  const saved = { secret: process.env.CURSOR_SECRET, arn: process.env.CURSOR_SECRET_ARN };
  beforeAll(() => {
    delete process.env.CURSOR_SECRET;
    process.env.CURSOR_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:cursor-AbCdEf';
  });
  afterAll(() => {
    if (saved.secret === undefined) delete process.env.CURSOR_SECRET;
    else process.env.CURSOR_SECRET = saved.secret;
    if (saved.arn === undefined) delete process.env.CURSOR_SECRET_ARN;
    else process.env.CURSOR_SECRET_ARN = saved.arn;
  });
  beforeEach(() => secrets.reset());

  it('asks again on the next request after a failed call, then keeps the key', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: 'a-long-random-secret' });

    await expect(sealCursor(position, 'scope')).rejects.toThrow('Rate exceeded');
    const cursor = await sealCursor(position, 'scope');
    await expect(openCursor(cursor, 'scope')).resolves.toBe(position);
    await sealCursor(position, 'scope');

    // One failed call, one that succeeded; the key is then reused, not fetched per request.
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});
