/**
 * `npm run dlq -- list|redrive [--queue emails|ses-events|webhook-deliveries] [--queue-url <dead-letter queue URL>] [--full]`
 *
 * Lists what waits in a dead-letter queue, or moves all of it back to the queue it came from.
 * Locally (the default) it talks to `npm start`'s queues on SQS_PORT; against a deployed stack,
 * pass the dead-letter queue's URL (stack output `EmailDeadLettersUrl` / `SesEventsDeadLettersUrl`)
 * and it uses your AWS credentials: listing receives each message with a short visibility timeout
 * (they are back in the queue moments later), redriving is SQS StartMessageMoveTask.
 */
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { queueDefinitions } from '../functions/queue/definitions.js';

const usage = `usage: npm run dlq -- list|redrive [--queue emails|ses-events|webhook-deliveries] [--queue-url <url>] [--full]
  list      what waits in the dead-letter queue (kind, lead, attempts; --full prints each whole message)
  redrive   move every message back to the queue it came from (SQS StartMessageMoveTask)
  --queue   emails (default), ses-events or webhook-deliveries, on the local runtime (SQS_PORT, default 8006)
  --queue-url  a deployed dead-letter queue (stack outputs EmailDeadLettersUrl, SesEventsDeadLettersUrl, WebhookDeadLettersUrl)`;

function fail(message: string): never {
  console.error(`npm run dlq: ${message}\n${usage}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const command = args[0];
if (command === '--help' || command === '-h') {
  console.log(usage);
  process.exit(0);
}
if (command !== 'list' && command !== 'redrive') fail(`unknown command ${command ?? '(none)'}`);
const option = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) fail(`${name} needs a value`);
  return value;
};
const full = args.includes('--full');
const queueName = option('--queue') ?? 'emails';
const definition = Object.values(queueDefinitions).find((d) => d.name === queueName);
if (!definition) fail(`no queue ${queueName}: emails, ses-events or webhook-deliveries`);

const localPort = process.env.SQS_PORT || '8006';
const queueUrl =
  option('--queue-url') ?? `http://127.0.0.1:${localPort}/000000000000/${definition.name}-dead-letters`;
const url = new URL(queueUrl);
const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
const region = process.env.AWS_REGION ?? /sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? 'us-east-1';
const sqs = new SQSClient(
  local
    ? { endpoint: url.origin, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : { region },
);

/** One line per message: ids and keys, never the addresses (they are in --full). */
function summary(message: Message): string {
  const attempts = message.Attributes?.ApproximateReceiveCount ?? '?';
  const sent = message.Attributes?.SentTimestamp
    ? new Date(Number(message.Attributes.SentTimestamp)).toISOString()
    : '?';
  let what = 'unreadable body';
  try {
    const body = JSON.parse(message.Body ?? '') as {
      key?: { type: string; leadId?: string; kind?: string; partnerId?: string };
      to?: string[];
      'detail-type'?: string;
      subscriptionId?: string;
      deliveryId?: string;
    };
    if (body.key?.type === 'lead')
      what = `${body.key.kind} lead ${body.key.leadId} to ${body.to?.length ?? 0} recipient(s)`;
    else if (body.key?.type === 'confirmation') what = `contact-confirmation for ${body.key.partnerId}`;
    else if (body.key?.type === 'webhook-disabled') what = `webhook-disabled email for ${body.key.partnerId}`;
    else if (body['detail-type']) what = `SES event "${body['detail-type']}"`;
    else if (body.deliveryId) what = `webhook delivery ${body.deliveryId} of ${body.subscriptionId}`;
  } catch {
    // listed as unreadable
  }
  return `${message.MessageId}  first sent ${sent}  receives here ${attempts}  ${what}`;
}

async function list() {
  const seen = new Map<string, Message>();
  // Each receive hides what it returns for 20 s, so rounds see new messages until none are left.
  for (let round = 0; round < 100; round++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 20,
        WaitTimeSeconds: local ? 0 : 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.MessageId ?? '', m);
  }
  console.log(`${seen.size} message(s) in ${queueUrl}${seen.size > 0 ? ' (visible again within 20 s)' : ''}`);
  for (const message of seen.values()) {
    console.log(summary(message));
    if (full) console.log(`  ${message.Body}`);
  }
}

async function redrive() {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
    }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) fail(`no queue at ${queueUrl}`);
  const waiting = Attributes?.ApproximateNumberOfMessages ?? '0';
  const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn }));
  console.log(
    `moving about ${waiting} message(s) from ${arn} back to their source queue (task ${TaskHandle})`,
  );
  for (let i = 0; i < 30; i++) {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: arn, MaxResults: 1 }),
    );
    const task = Results[0];
    if (task && task.Status !== 'RUNNING') {
      console.log(`${task.Status}: ${task.ApproximateNumberOfMessagesMoved ?? 0} message(s) moved`);
      return;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  console.log('still running: check with `aws sqs list-message-move-tasks`');
}

try {
  await (command === 'list' ? list() : redrive());
} catch (error) {
  const message = (error as Error).message;
  if (local && /ECONNREFUSED|fetch failed/.test(`${message} ${(error as { code?: string }).code ?? ''}`)) {
    fail(`no local queues on port ${localPort}: is npm start running (SQS_PORT)?`);
  }
  fail(message);
}
