/**
 * `npm run ses -- …`: local-only SES simulations against a running `npm start` (ports from
 * SES_PORT and SQS_PORT, as npm start reads them).
 *
 *   outage start [--match <text>] [--mode down|throttle]   SendEmail fails (all, or those to matching addresses)
 *   outage stop                                            SES works again
 *   outage status
 *   bounce <address>      a hard bounce of <address>, as SES reports it
 *   complaint <address>   a complaint from <address>
 *
 * aws-ses-v2-local sends no bounce or complaint events, so `bounce` and `complaint` put the event
 * SES would publish (EventBridge's `aws.ses` shape) on the local SES-events queue: the same queue,
 * consumer and handler that record it on AWS.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queueDefinitions } from '../functions/queue/definitions.js';

const usage = `usage: npm run ses -- outage start [--match <text>] [--mode down|throttle]
       npm run ses -- outage stop | outage status
       npm run ses -- bounce <address> | complaint <address>`;

function fail(message: string): never {
  console.error(`npm run ses: ${message}\n${usage}`);
  process.exit(2);
}

const sesPort = process.env.SES_PORT || '8005';
const sqsPort = process.env.SQS_PORT || '8006';
const [command, ...rest] = process.argv.slice(2);
const option = (name: string) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};

/** The SES event EventBridge delivers for a hard bounce or a complaint (detail as SES publishes it). */
export function sesEvent(kind: 'bounce' | 'complaint', address: string, now = new Date()) {
  const at = now.toISOString();
  const mail = { timestamp: at, messageId: `local-${now.getTime()}`, destination: [address] };
  return kind === 'bounce'
    ? {
        version: '0',
        source: 'aws.ses',
        'detail-type': 'Email Bounced',
        time: at,
        detail: {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1' }],
            timestamp: at,
          },
          mail,
        },
      }
    : {
        version: '0',
        source: 'aws.ses',
        'detail-type': 'Email Complaint Received',
        time: at,
        detail: {
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: address }], timestamp: at },
          mail,
        },
      };
}

async function outage(action: string | undefined) {
  const url = `http://127.0.0.1:${sesPort}/_local/outage`;
  const method =
    action === 'start' ? 'PUT' : action === 'stop' ? 'DELETE' : action === 'status' ? 'GET' : undefined;
  if (!method) fail(`outage ${action ?? ''}: start, stop or status`);
  const mode = option('--mode') ?? 'down';
  if (mode !== 'down' && mode !== 'throttle') fail('--mode is down or throttle');
  const match = option('--match');
  const response = await fetch(url, {
    method,
    ...(method === 'PUT' ? { body: JSON.stringify({ mode, ...(match ? { match } : {}) }) } : {}),
  });
  console.log(JSON.stringify(await response.json(), null, 2));
}

async function feedback(kind: 'bounce' | 'complaint', address: string | undefined) {
  if (!address?.includes('@')) fail(`${kind} needs an email address`);
  const endpoint = `http://127.0.0.1:${sqsPort}`;
  const sqs = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: `${endpoint}/000000000000/${queueDefinitions.sesEvents.name}`,
      MessageBody: JSON.stringify(sesEvent(kind, address)),
    }),
  );
  console.log(`${kind} of ${address} queued for the SES events consumer`);
}

// Imported by tests for `sesEvent`; a command only when run.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    if (command === 'outage') await outage(rest[0]);
    else if (command === 'bounce' || command === 'complaint') await feedback(command, rest[0]);
    else if (command === '--help' || command === '-h') console.log(usage);
    else fail(`unknown command ${command ?? '(none)'}`);
  } catch (error) {
    fail(`${(error as Error).message}: is npm start running (SES_PORT ${sesPort}, SQS_PORT ${sqsPort})?`);
  }
}
