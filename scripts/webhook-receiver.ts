/**
 * An example partner app: receives the platform's webhooks on http://127.0.0.1:<port>/ and verifies
 * each with the `standardwebhooks` package, as any receiver should, then prints what arrived.
 *
 *   npm run --silent webhook-receiver -- --port 4010 --secret whsec_… [--fail-first]
 *
 * Verification needs the raw body exactly as sent (no re-serialised JSON). Answers 204 to a
 * verified event, 400 to one that does not verify. With --fail-first it answers 503 to the first
 * attempt of each webhook-id, to watch the retry come back with the same id.
 * Events may arrive more than once and out of order: keep the highest `data.lead.version` per lead.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    secret: { type: 'string' },
    'fail-first': { type: 'boolean', default: false },
  },
});
if (!values.secret?.startsWith('whsec_')) {
  console.error(
    'usage: webhook-receiver --port <port> --secret <whsec_… from POST /v1/webhooks> [--fail-first]',
  );
  process.exit(2);
}
const webhook = new Webhook(values.secret);
const seen = new Set<string>();
const latest = new Map<string, number>();

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const id = String(request.headers['webhook-id'] ?? '');
    let event: {
      type: string;
      timestamp: string;
      data: { lead?: { id: string; version: number; stage: string } };
    };
    try {
      event = webhook.verify(body, {
        'webhook-id': id,
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      }) as typeof event;
    } catch (error) {
      console.log(
        `refused ${id}: ${error instanceof WebhookVerificationError ? error.message : String(error)}`,
      );
      response.writeHead(400).end();
      return;
    }
    if (values['fail-first'] && !seen.has(id)) {
      seen.add(id);
      console.log(`${id} ${event.type}: answering 503 to its first attempt`);
      response.writeHead(503).end();
      return;
    }
    const lead = event.data.lead;
    const stale = lead !== undefined && (latest.get(lead.id) ?? 0) > lead.version;
    if (lead && !stale) latest.set(lead.id, lead.version);
    console.log(
      `${id} ${event.type}${lead ? ` lead ${lead.id} v${lead.version} ${lead.stage}` : ''}${stale ? ' (stale, ignored)' : ''}`,
    );
    response.writeHead(204).end();
  });
});
server.listen(Number(values.port), '127.0.0.1', () =>
  console.log(`receiving webhooks at http://127.0.0.1:${values.port}/ (Ctrl-C to stop)`),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
