/**
 * `npm run sender -- register <senderId> --kind microsoft|partner --name <name> --email <address>`
 *
 * Onboards a sender system (SPEC §11) with no change to the stacks. Locally (the default) it
 * registers the sender in `npm start`'s table (DYNAMODB_PORT, TABLE_NAME) and prints the command
 * for its token. With `--aws` it makes the sender a Cognito app client of the deployed user pool
 * (client credentials, scope referrals/leads.write), registers it in the deployed table with your
 * AWS credentials, and prints the client id and secret (shown once).
 */
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SenderDirectory } from '../functions/adapters/dynamodb/sender-directory.js';
import { senderKinds } from '../functions/domain/lead.js';
import { SENDER_SCOPE } from '../functions/http/auth.js';
import { issuesOf } from '../functions/http/problem.js';
import { type Registered, registerLocally, registerOnAws, senderInputSchema } from './sender-onboarding.js';

const usage = `usage: npm run sender -- register <senderId> --kind ${senderKinds.join('|')} --name <name> --email <address>
         [--aws --user-pool-id <id> --table <name> [--region <region>] [--client-id <existing app client>] [--token-endpoint <url>]]`;
const help = `Registers a sender system (id, kind, name, notification email) and its client credentials.

${usage}

  <senderId>          a-z, 0-9 and -, 2-64 characters
  --kind              microsoft or partner
  --name              the sender's display name (shown to partners)
  --email             where its expiry notices go
  locally (default)   npm start's table: DYNAMODB_PORT (8000), TABLE_NAME (partner-referrals-local)
  --aws               the deployed stack, with your AWS credentials:
    --user-pool-id    stack output UserPoolId (PartnerReferralsStateful)
    --table           stack output TableName (PartnerReferralsStateful)
    --region          default: AWS_REGION
    --client-id       link an existing app client instead of making one
    --token-endpoint  stack output TokenEndpoint, to print the token request
Running it again updates the name, kind and email (the first registration time stays); on AWS it
makes another app client (both work) unless --client-id names one.`;

function fail(message: string): never {
  console.error(`npm run sender: ${message}\n${usage}\n(--help for more)`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      aws: { type: 'boolean' },
      'user-pool-id': { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      'client-id': { type: 'string' },
      'token-endpoint': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(help);
  process.exit(0);
}
const [command, senderId, ...rest] = positionals;
if (command !== 'register') fail(`unknown command ${command ?? '(none)'}`);
if (rest.length > 0) fail(`unexpected ${rest.join(' ')}`);
const input = senderInputSchema.safeParse({
  id: senderId,
  kind: values.kind,
  name: values.name,
  notificationEmail: values.email,
});
if (!input.success) {
  const names: Record<string, string> = {
    id: '<senderId>',
    kind: '--kind',
    name: '--name',
    notificationEmail: '--email',
  };
  fail(
    issuesOf(input.error)
      .map((i) => `${names[i.path] ?? i.path}: ${i.message}`)
      .join('; '),
  );
}

let registered: Registered;
if (values.aws) {
  const userPoolId = values['user-pool-id'];
  const table = values.table;
  if (!userPoolId || !table) fail('--aws needs --user-pool-id and --table (outputs of the stateful stack)');
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const config = region ? { region } : {};
  const directory = new SenderDirectory(DynamoDBDocumentClient.from(new DynamoDBClient(config)), table);
  registered = await registerOnAws(input.data, {
    cognito: new CognitoIdentityProviderClient(config),
    userPoolId,
    directory,
    ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
  });
  console.log(JSON.stringify(registered, null, 2));
  const endpoint = values['token-endpoint'] ?? '<TokenEndpoint output>';
  console.error(
    `sender ${registered.sender.id} registered with app client ${registered.clientId}.${registered.clientSecret ? ' The secret is shown only now: hand it over safely.' : ''}
Its token: curl -s -u '${registered.clientId}:<secret>' -d 'grant_type=client_credentials&scope=${SENDER_SCOPE}' ${endpoint}`,
  );
} else {
  const port = process.env.DYNAMODB_PORT || '8000';
  const table = process.env.TABLE_NAME || 'partner-referrals-local';
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    registered = await registerLocally(
      input.data,
      new SenderDirectory(DynamoDBDocumentClient.from(client), table),
    );
  } catch (error) {
    const reason =
      (error as Error).name === 'ResourceNotFoundException' ? `no table ${table}` : (error as Error).message;
    console.error(
      `npm run sender: cannot register in the local table (${reason}): is npm start running on DYNAMODB_PORT ${port}?`,
    );
    process.exit(1);
  }
  console.log(JSON.stringify(registered, null, 2));
  console.error(
    `sender ${registered.sender.id} registered locally. Its token: npm run --silent token -- --sender ${registered.sender.id}`,
  );
}
