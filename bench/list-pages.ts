/**
 * What a list page costs the handler itself, over the Query it sends: `GET /v1/leads` and
 * `GET /v1/sent-leads` called in process with DynamoDB mocked (26 stored leads of three stages per
 * Query, as a page of 25 reads), CPU per call and wall percentiles. No database and no network, so
 * the figure holds still on a busy machine where the bench's p50 ratios do not.
 *
 *   node_modules/node/bin/node --import tsx bench/list-pages.ts [calls]
 *
 * Add `--cpu-prof` after `node` for a profile of the same calls. Runs on the deployed Node major
 * only: crypto and zod costs differ between majors.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Handler } from './handlers.js';

const { assertDeployedNode, functionEnv } = await import('./environment.js');
assertDeployedNode();
const CALLS = Number(process.argv[2] ?? 3000);
const WARMUP = 300;

// Before the handlers are imported: their composition roots read the environment at import.
Object.assign(process.env, functionEnv, { FAIR_USE_SENDER_LIMIT: '0', FAIR_USE_PARTNER_LIMIT: '0' });
const ddb = mockClient(DynamoDBDocumentClient);
const { toItem } = await import('../functions/adapters/dynamodb/lead-items.js');
const { commands, received, run } = await import('../test/support/leads.js');
const { apiEvent, context, senderClaims } = await import('../test/support/events.js');
const { handler: listLeads } = await import('../functions/list-leads/handler.js');
const { handler: listSentLeads } = await import('../functions/list-sent-leads/handler.js');

const need = { title: 'ERP migration', description: 'x'.repeat(300), products: ['Azure', 'M365'] };
const stages = [
  received({ need }),
  run(run(received({ need }), commands.accept), commands['add-contacts']),
  run(received({ need }), commands.decline),
];
const page = (leads: typeof stages) =>
  Array.from({ length: 26 }, (_, i) =>
    toItem({ ...leads[i % leads.length]!, id: `01JD00000000000000000000${String(99 - i).padStart(2, '0')}` }),
  );
// The filtered list of the bench (tab=marketplace&stage=accepted) reads accepted leads only: the
// largest items (deal, contacts, three history entries).
const mixed = page(stages);
const accepted = page([stages[1]!]);
let items = mixed;
// A fresh copy per call, as the SDK unmarshals a fresh response: the parse never sees warm objects.
ddb.on(QueryCommand).callsFake(() => ({ Items: structuredClone(items), LastEvaluatedKey: { pk: 'next' } }));
ddb.on(GetCommand).resolves({
  Item: { id: 'microsoft-marketing', kind: 'microsoft', name: 'MS', notificationEmail: 'r@ms.example' },
});

const cases: Array<[string, Handler, ReturnType<typeof apiEvent>, typeof items]> = [
  ['GET /v1/leads', listLeads, apiEvent({ method: 'GET', path: '/v1/leads', query: { limit: '25' } }), mixed],
  [
    'GET /v1/leads?tab=marketplace&stage=accepted',
    listLeads,
    apiEvent({
      method: 'GET',
      path: '/v1/leads',
      query: { limit: '25', tab: 'marketplace', stage: 'accepted' },
    }),
    accepted,
  ],
  [
    'GET /v1/sent-leads',
    listSentLeads,
    apiEvent({ method: 'GET', path: '/v1/sent-leads', query: { limit: '25' }, claims: senderClaims() }),
    mixed,
  ],
];
for (const [name, handler, event, answer] of cases) {
  items = answer;
  const first = await handler(event, context);
  if (first.statusCode !== 200) throw new Error(`${name} answered ${first.statusCode}: ${first.body}`);
  for (let i = 0; i < WARMUP; i++) await handler(event, context);
  const wall: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await handler(event, context);
    wall.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  wall.sort((a, b) => a - b);
  const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(
    `${name.padEnd(44)} CPU ${((used.user + used.system) / CALLS).toFixed(0)} µs a call (GC included), wall p50 ${us(wall[CALLS >> 1]!)}, p90 ${us(wall[Math.floor(CALLS * 0.9)]!)} over ${CALLS} calls`,
  );
}
