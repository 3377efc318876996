/**
 * `npm run erase -- --email <address> [--aws --table <name> [--region <region>]]`
 *
 * Erases one customer's personal data on request (SPEC §11): every lead whose customer has this
 * address (any case, any partner, any sender) has its contact name, email, phone and need
 * description overwritten with a tombstone, its duplicates-index keys removed, and the customer's
 * links set to expire. The leads' stages, outcomes, deals and history stay, so insights keep their
 * figures. Locally (the default) it works on `npm start`'s table (DYNAMODB_PORT, TABLE_NAME); with
 * `--aws`, on the deployed table with your AWS credentials. Prints what it did as JSON.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { DynamoErasureStore } from '../functions/adapters/dynamodb/erasure-store.js';
import { ErasureService } from '../functions/domain/erasure.js';

const usage = 'usage: npm run erase -- --email <address> [--aws --table <name> [--region <region>]]';

function fail(message: string): never {
  console.error(`npm run erase: ${message}\n${usage}`);
  process.exit(2);
}

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    strict: true,
    options: {
      email: { type: 'string' },
      aws: { type: 'boolean' },
      table: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  ({ values } = parse());
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const email = z.email().safeParse(values.email?.trim());
if (!email.success) fail('--email must be an email address');

let client: DynamoDBClient;
let table: string;
if (values.aws) {
  if (!values.table) fail('--aws needs --table (output TableName of the stateful stack)');
  table = values.table;
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  client = new DynamoDBClient(region ? { region } : {});
} else {
  table = process.env.TABLE_NAME || 'partner-referrals-local';
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT || '8000'}`,
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

const service = new ErasureService(new DynamoErasureStore(DynamoDBDocumentClient.from(client), table));
try {
  const result = await service.eraseCustomer(email.data, new Date());
  // The address is not printed back: the output may end up in a ticket.
  console.log(JSON.stringify(result, null, 2));
  console.error(
    result.leads.length === 0
      ? 'npm run erase: no lead has this customer address.'
      : `npm run erase: ${result.erased} lead(s) erased now, ${result.alreadyErased} erased before.`,
  );
} catch (error) {
  console.error(`npm run erase: ${(error as Error).name}: ${(error as Error).message}`);
  process.exit(1);
}
