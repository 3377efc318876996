/**
 * Prints a bearer token the local server accepts (SPEC §8):
 *   npm run --silent token -- --partner <id> --role <group> [--user <sub>] [--ttl <seconds>]
 *   npm run --silent token -- --sender <senderId> [--ttl <seconds>]
 */
import { parseArgs } from 'node:util';
import { slugSchema } from '../functions/domain/lead.js';
import { localSigner, partnerTokenClaims, senderTokenClaims } from './jwt.js';

const usage = `usage: npm run --silent token -- --partner <id> --role <group> [--user <sub>] [--ttl <seconds>]
       npm run --silent token -- --sender <senderId> [--ttl <seconds>]`;

function fail(message: string): never {
  console.error(`token: ${message}\n${usage}`);
  process.exit(2);
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      partner: { type: 'string' },
      role: { type: 'string' },
      user: { type: 'string' },
      sender: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}

const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) fail('--ttl must be a positive number of seconds');
const signer = await localSigner();

if (values.sender !== undefined) {
  if (values.partner !== undefined) fail('use either --sender or --partner');
  if (!slugSchema.safeParse(values.sender).success) fail('--sender must be a sender id (a-z, 0-9, -)');
  const token = await signer.sign(senderTokenClaims(values.sender), ttl);
  console.log(token);
} else if (values.partner !== undefined) {
  if (!slugSchema.safeParse(values.partner).success) fail('--partner must be a partner id (a-z, 0-9, -)');
  if (!values.role) fail('--role is required with --partner (mpn-partner-admin or referrals-admin)');
  const token = await signer.sign(partnerTokenClaims(values.partner, values.role, values.user), ttl);
  console.log(token);
} else {
  fail('name a --partner or a --sender');
}
