/**
 * Opaque list cursors: the position (a lead id) sealed with AES-256-GCM, bound to the caller and
 * the query it was issued for. A cursor that was edited, forged or issued to someone else fails
 * to open (400), and even a valid one only moves within the caller's own partition.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { leadIdSchema } from '../domain/lead.js';
import { problems } from './problem.js';

let key: Promise<KeyObject> | undefined;
let secretsClient: SecretsManagerClient | undefined;

/**
 * The key comes from CURSOR_SECRET (local) or the Secrets Manager secret CURSOR_SECRET_ARN (AWS),
 * once per process. A failed fetch is forgotten, not cached: the next request asks again, instead
 * of every later list page of this container answering 500 for one throttled or timed-out call.
 */
function cursorKey(): Promise<KeyObject> {
  key ??= loadKey().catch((error: unknown) => {
    key = undefined;
    throw error;
  });
  return key;
}

async function loadKey(): Promise<KeyObject> {
  const arn = process.env.CURSOR_SECRET_ARN;
  let secret = process.env.CURSOR_SECRET;
  if (!secret && arn) {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    secretsClient ??= new SecretsManagerClient({});
    const result = await secretsClient.send(new GetSecretValueCommand({ SecretId: arn }));
    secret = result.SecretString;
  }
  if (!secret) throw new Error('CURSOR_SECRET or CURSOR_SECRET_ARN must be set');
  // A KeyObject, not the raw bytes: Node 24 prepares a raw key again on every createCipheriv
  // (about 8 µs warm, up to 60 µs between requests, most of a list page's cursor).
  return createSecretKey(createHash('sha256').update(secret).digest());
}

export async function sealCursor(position: string, scope: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await cursorKey(), iv);
  cipher.setAAD(Buffer.from(scope));
  const sealed = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

export async function openCursor(token: string, scope: string): Promise<string> {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 12 + 16 + 1 || raw.toString('base64url') !== token) throw problems.invalidCursor();
  try {
    const decipher = createDecipheriv('aes-256-gcm', await cursorKey(), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(scope));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const position = Buffer.concat([
      decipher.update(raw.subarray(12, raw.length - 16)),
      decipher.final(),
    ]).toString();
    return leadIdSchema.parse(position);
  } catch {
    throw problems.invalidCursor();
  }
}
