/** The cursor key on AWS: fetched from Secrets Manager once, and a failed fetch is not kept. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
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

  it('opens what it sealed only for the same scope and unedited', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'a-long-random-secret' });
    const cursor = await sealCursor(position, 'leads:contoso:user-1:*:*');
    await expect(openCursor(cursor, 'leads:contoso:user-1:*:*')).resolves.toBe(position);
    await expect(openCursor(cursor, 'leads:contoso:user-2:*:*')).rejects.toMatchObject({
      code: 'invalid-cursor',
    });
    const edited = Buffer.from(cursor, 'base64url');
    edited[14] = (edited[14] ?? 0) ^ 1;
    await expect(openCursor(edited.toString('base64url'), 'leads:contoso:user-1:*:*')).rejects.toMatchObject({
      code: 'invalid-cursor',
    });
  });

  it('opens a cursor sealed with the raw key bytes, as the functions sealed them before (a deploy keeps pages going)', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'a-long-random-secret' });
    const raw = createHash('sha256').update('a-long-random-secret').digest();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', raw, iv);
    cipher.setAAD(Buffer.from('scope'));
    const sealed = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
    const cursor = Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
    await expect(openCursor(cursor, 'scope')).resolves.toBe(position);
  });
});
