/**
 * Prints a bearer token the local server accepts (SPEC §8); `--help` says how. A role the API
 * refuses, or a sender `npm start` does not register, still gets its token (testing a 403 is
 * legitimate) with a warning on stderr, so stdout stays the token alone.
 */
import { parseArgs } from 'node:util';
import { slugSchema } from '../functions/domain/lead.js';
import { PARTNER_ROLES } from '../functions/http/auth.js';
import { partnerClaims, senderClaims } from './claims.js';
import { localSigner } from './jwt.js';
import { localSenders } from './senders.js';

const usage = `usage: npm run --silent token -- --partner <id> --role <group> [--user <sub>] [--ttl <seconds>]
       npm run --silent token -- --sender <senderId> [--ttl <seconds>]`;

const help = `Prints a bearer token that the local API (npm start) accepts: an ES256 JWT signed with the key
in .local/jwt-signing-key.json. The deployed stack never accepts it.

${usage}

  --partner <id>       a partner user's token for partner <id> (a-z, 0-9, -)
  --role <group>       its Cognito group: ${PARTNER_ROLES.join(' or ')} (any other is minted, and refused with 403)
  --user <sub>         the user's sub, whose favorites these are (default: <id>-user)
  --sender <senderId>  a sender system's client-credentials token (npm start registers ${localSenders.map((s) => s.id).join(', ')}; npm run sender -- register adds more)
  --ttl <seconds>      lifetime (default 3600)
  --help               this text

examples:
  PARTNER=$(npm run --silent token -- --partner contoso --role referrals-admin --user alice)
  SENDER=$(npm run --silent token -- --sender microsoft-marketing)
  curl -s localhost:3000/v1/leads -H "authorization: Bearer $PARTNER"`;

function fail(message: string): never {
  console.error(`token: ${message}\n${usage}\n(--help for more)`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      partner: { type: 'string' },
      role: { type: 'string' },
      user: { type: 'string' },
      sender: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}
const text = (name: string) => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

if (values.help) {
  console.log(help);
  process.exit(0);
}

const ttl = text('ttl') === undefined ? 3600 : Number(text('ttl'));
if (!Number.isInteger(ttl) || ttl <= 0) fail('--ttl must be a positive number of seconds');
const sender = text('sender');
const partner = text('partner');
const role = text('role');
const user = text('user');

if (sender !== undefined) {
  if (partner !== undefined) fail('use either --sender or --partner');
  if (!slugSchema.safeParse(sender).success) fail('--sender must be a sender id (a-z, 0-9, -)');
  if (!localSenders.some((s) => s.id === sender)) {
    console.error(
      `token: warning: npm start registers only ${localSenders.map((s) => s.id).join(', ')}: unless ${sender} was registered with npm run sender -- register ${sender} …, the API will answer 403 sender-not-registered`,
    );
  }
  console.log(await (await localSigner()).sign(senderClaims(sender), ttl));
} else if (partner !== undefined) {
  if (!slugSchema.safeParse(partner).success) fail('--partner must be a partner id (a-z, 0-9, -)');
  if (!role) fail(`--role is required with --partner (${PARTNER_ROLES.join(' or ')})`);
  if (!(PARTNER_ROLES as readonly string[]).includes(role)) {
    console.error(
      `token: warning: the API refuses role ${role} with 403 forbidden; it accepts ${PARTNER_ROLES.join(' or ')}`,
    );
  }
  const claims = partnerClaims(partner, { role, ...(user ? { user } : {}) });
  console.log(await (await localSigner()).sign(claims, ttl));
} else {
  fail('name a --partner or a --sender');
}
