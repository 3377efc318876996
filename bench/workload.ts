/**
 * The data and the requests the bench runs: one partner's leads to read, pools of leads in the
 * right stage for each write route, and per route the request one call makes.
 */
import type { GetCommandInput, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  leadKey,
  partnerAllPk,
  partnerStagePk,
  partnerTabPrefix,
  sentPk,
} from '../functions/adapters/dynamodb/keys.js';
import { type IndexDefinition, indexes } from '../functions/adapters/dynamodb/table-definition.js';
import type { LeadType } from '../functions/domain/lead.js';
import { type Route, type RouteName, routes } from '../functions/http/routes.js';
import { localSenders } from '../local/senders.js';
import { type Caller, type Handler, invoke, type Request } from './handlers.js';

/** The partner whose leads the read routes list and get; writes never touch it. */
const READ_PARTNER = 'contoso';
/** The partner owning the write pools. */
const WRITE_PARTNER = 'northwind';
/** Where the create-lead calls send their leads, so the read partitions never grow. */
const INTAKE_PARTNER = 'litware';
const SENDER = localSenders[0]!.id;

const partner: Caller = { partner: READ_PARTNER };
const writer: Caller = { partner: WRITE_PARTNER };
const sender: Caller = { sender: SENDER };

/** How the read partner's leads are spread over types and stages (72 leads). */
const READ_MIX: Array<{ type: LeadType; stage: 'received' | 'accepted' | 'archived'; count: number }> = [
  { type: 'customer-inquiry', stage: 'accepted', count: 30 },
  { type: 'marketing-qualified', stage: 'accepted', count: 3 },
  { type: 'sales-qualified', stage: 'accepted', count: 3 },
  { type: 'customer-inquiry', stage: 'received', count: 10 },
  { type: 'marketing-qualified', stage: 'received', count: 10 },
  { type: 'sales-qualified', stage: 'received', count: 10 },
  { type: 'customer-inquiry', stage: 'archived', count: 2 },
  { type: 'marketing-qualified', stage: 'archived', count: 2 },
  { type: 'sales-qualified', stage: 'archived', count: 2 },
];

type PoolName = 'accept' | 'decline' | 'edit' | 'contacts' | 'won' | 'lost' | 'favorite';
const POOL_STAGE: Record<PoolName, 'received' | 'accepted'> = {
  accept: 'received',
  decline: 'received',
  edit: 'accepted',
  contacts: 'accepted',
  won: 'accepted',
  lost: 'accepted',
  favorite: 'received',
};

export interface Seeded {
  /** One accepted lead of the read partner: what get-lead and get-lead-history read. */
  readLead: string;
  /** What was seeded, for the report, in lines. */
  summary: string[];
  pools: Record<PoolName, string[]>;
}

let serial = 0;
const newLead = (partnerId: string, type: LeadType) => {
  const n = ++serial;
  return {
    partnerId,
    type,
    customer: {
      companyName: `Fabrikam ${n} Ltd`,
      contactName: 'Ana Rossi',
      email: `ana.rossi+${n}@fabrikam.example`,
      phone: '+39 02 1234 5678',
      country: 'IT',
      companySize: '50-249',
    },
    need: {
      title: 'Move our ERP to Azure',
      description: 'About 40 users, SAP Business One on premises today.\nWants a plan by Q2.',
      products: ['Azure Virtual Machines', 'Azure SQL'],
    },
    contactRequested: n % 2 === 0,
    externalId: `crm-${n}`,
  };
};

export const bodies = {
  accept: {
    deal: {
      name: 'Fabrikam ERP migration',
      value: { amount: 120000, currency: 'EUR' },
      estimatedCloseDate: '2027-03-31',
    },
    contacts: [{ name: 'Luca Bianchi', email: 'luca@contoso.example' }],
  },
  decline: { reason: 'no-capacity' },
  edit: { deal: { notes: 'Call back after the budget review.' } },
  contacts: { contacts: [{ name: 'Marta Verdi', email: 'marta@contoso.example' }] },
  won: { notes: 'Signed.', finalValue: { amount: 110000, currency: 'EUR' } },
  lost: { notes: 'Went with another partner.' },
  profile: {
    keywords: ['ERP', 'Azure migration', 'Dynamics 365'],
    companySizes: ['50-249', '250-999'],
    industries: ['Manufacturing'],
    locations: [
      {
        name: 'Milan office',
        country: 'IT',
        city: 'Milan',
        contacts: [{ name: 'Giulia Neri', email: 'giulia@northwind.example' }],
      },
    ],
  },
} as const;

export type Handlers = ReadonlyMap<RouteName, Handler>;

/** Runs fn over items, at most `limit` at a time. */
async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Seeds through the handlers themselves (create, then accept or decline), as a client would. */
export async function seed(handlers: Handlers, poolSize: number): Promise<Seeded> {
  const call = async (name: RouteName, request: Request) => {
    const result = await invoke(handlers.get(name)!, routes[name], request);
    return JSON.parse(result.body ?? '{}') as { id: string };
  };
  const create = async (partnerId: string, type: LeadType) =>
    (await call('createLead', { caller: sender, body: newLead(partnerId, type) })).id;
  const moveTo = async (caller: Caller, id: string, stage: 'received' | 'accepted' | 'archived') => {
    if (stage === 'accepted') await call('acceptLead', { caller, id, body: bodies.accept });
    if (stage === 'archived') await call('declineLead', { caller, id, body: bodies.decline });
  };

  // Read partner: interleave the mix so types and stages are spread over the ULID order.
  const plan: Array<{ type: LeadType; stage: 'received' | 'accepted' | 'archived' }> = [];
  const left = READ_MIX.map((m) => ({ ...m }));
  while (left.some((m) => m.count > 0)) {
    for (const m of left) {
      if (m.count-- > 0) plan.push({ type: m.type, stage: m.stage });
    }
  }
  const readIds = await inParallel(plan, 6, async ({ type, stage }) => {
    const id = await create(READ_PARTNER, type);
    await moveTo(partner, id, stage);
    return { id, stage };
  });

  const types: LeadType[] = ['customer-inquiry', 'marketing-qualified', 'sales-qualified'];
  const pools = {} as Record<PoolName, string[]>;
  for (const name of Object.keys(POOL_STAGE) as PoolName[]) {
    const slots = Array.from({ length: poolSize }, (_, i) => types[i % types.length]!);
    pools[name] = await inParallel(slots, 6, async (type) => {
      const id = await create(WRITE_PARTNER, type);
      await moveTo(writer, id, POOL_STAGE[name]);
      return id;
    });
  }
  const count = (pick: (m: (typeof READ_MIX)[number]) => boolean) =>
    READ_MIX.filter(pick).reduce((n, m) => n + m.count, 0);
  const summary = [
    `${readIds.length} leads for partner ${READ_PARTNER}: ${count((m) => m.stage === 'accepted')} accepted, ` +
      `${count((m) => m.stage === 'received')} received, ${count((m) => m.stage === 'archived')} declined; ` +
      `${count((m) => m.type === 'customer-inquiry')} marketplace, ${count((m) => m.type !== 'customer-inquiry')} qualified`,
    `${Object.keys(pools).length} pools of ${poolSize} leads each in the stage its write route needs (partner ${WRITE_PARTNER})`,
  ];
  return { readLead: readIds.find((r) => r.stage === 'accepted')!.id, summary, pools };
}

/** A raw round trip a read route is held against, made with a bare DocumentClient. */
export type Baseline = { label: string } & ({ get: GetCommandInput } | { query: QueryCommandInput });

/** One route under test: the label it is reported as, and the request each call makes. */
export interface Scenario {
  label: string;
  name: RouteName;
  route: Route;
  kind: 'read' | 'write';
  /** The request of the next call (write routes take a fresh lead from their pool each time). */
  next(): Request;
  /** The raw round trip its latency budget is measured against, if it has one. */
  baseline?: Baseline;
}

/** The raw round trips: GetItem of the lead get-lead reads, and byPartnerStage Queries of 25 leads. */
export function baselines(tableName: string, seeded: Seeded) {
  const query = (
    label: string,
    pk: string,
    prefix?: string,
    index: IndexDefinition = indexes.byPartnerStage,
  ): Baseline => ({
    label,
    query: {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk${prefix ? ` AND begins_with(${index.sortKey}, :prefix)` : ''}`,
      ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
      ScanIndexForward: false,
      Limit: 25,
    },
  });
  return {
    get: { label: 'GetItem', get: { TableName: tableName, Key: leadKey(seeded.readLead) } } as Baseline,
    /**
     * The same partition and prefix the filtered list reads: the same items, but 25 of them where
     * the route reads 26 (one past its page, to know whether a next page exists; about 0.1-0.2 ms
     * here). Left at the page size on purpose: the budget holds the route to a page's Query.
     */
    acceptedMarketplace: query(
      'Query accepted/marketplace',
      partnerStagePk(READ_PARTNER, 'accepted'),
      partnerTabPrefix('marketplace'),
    ),
    /** The partition the unfiltered list reads (every stage of the partner); 25 items, the route 26. */
    all: query('Query byPartner (every stage)', partnerAllPk(READ_PARTNER), undefined, indexes.byPartner),
    /** The sender's partition of this month, which a first page of its sent leads reads. */
    sentThisMonth: {
      label: 'Query sent this month',
      query: {
        TableName: tableName,
        IndexName: indexes.bySender.name,
        KeyConditionExpression: `${indexes.bySender.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': sentPk(SENDER, new Date().toISOString().slice(0, 7)) },
        ScanIndexForward: false,
        Limit: 25,
      },
    } as Baseline,
  };
}

export function scenarios(seeded: Seeded, tableName: string): Scenario[] {
  const raw = baselines(tableName, seeded);
  const fromPool = (name: PoolName, cycle = false) => {
    let i = 0;
    return () => {
      const pool = seeded.pools[name];
      if (!cycle && i >= pool.length) throw new Error(`the ${name} pool ran out of leads`);
      return pool[i++ % pool.length]!;
    };
  };
  const read = (label: string, name: RouteName, request: () => Request, baseline?: Baseline): Scenario => ({
    label,
    name,
    route: routes[name],
    kind: 'read',
    next: request,
    ...(baseline ? { baseline } : {}),
  });
  const write = (label: string, name: RouteName, request: () => Request): Scenario => ({
    ...read(label, name, request),
    kind: 'write',
  });
  const id = seeded.readLead;
  const takeFavorite = fromPool('favorite', true);
  const takeUnfavorite = fromPool('favorite', true);
  let key = 0;
  const pooled = (pool: PoolName, body?: unknown) => {
    const take = fromPool(pool);
    return () => ({ caller: writer, id: take(), ...(body === undefined ? {} : { body }) });
  };
  return [
    read('GET /v1/leads/{id}', 'getLead', () => ({ caller: partner, id }), raw.get),
    read(
      'GET /v1/leads?tab=marketplace&stage=accepted',
      'listLeads',
      () => ({ caller: partner, query: { tab: 'marketplace', stage: 'accepted' } }),
      raw.acceptedMarketplace,
    ),
    read('GET /v1/leads (no filter)', 'listLeads', () => ({ caller: partner }), raw.all),
    read('GET /v1/leads/{id}/history', 'getLeadHistory', () => ({ caller: partner, id })),
    read('GET /v1/sent-leads/{id}', 'getSentLead', () => ({ caller: sender, id })),
    read('GET /v1/sent-leads', 'listSentLeads', () => ({ caller: sender }), raw.sentThisMonth),
    read('GET /v1/health', 'health', () => ({})),
    read('GET /openapi.json', 'openapi', () => ({})),
    write('POST /v1/leads', 'createLead', () => ({
      caller: sender,
      headers: { 'idempotency-key': `bench-${process.pid}-${++key}` },
      body: newLead(INTAKE_PARTNER, 'sales-qualified'),
    })),
    write('POST /v1/leads/{id}/accept', 'acceptLead', pooled('accept', bodies.accept)),
    write('POST /v1/leads/{id}/decline', 'declineLead', pooled('decline', bodies.decline)),
    write('PATCH /v1/leads/{id}', 'editLead', pooled('edit', bodies.edit)),
    write('POST /v1/leads/{id}/contacts', 'addLeadContacts', pooled('contacts', bodies.contacts)),
    write('POST /v1/leads/{id}/won', 'winLead', pooled('won', bodies.won)),
    write('POST /v1/leads/{id}/lost', 'loseLead', pooled('lost', bodies.lost)),
    write('PUT /v1/leads/{id}/favorite', 'favoriteLead', () => ({ caller: writer, id: takeFavorite() })),
    write('DELETE /v1/leads/{id}/favorite', 'unfavoriteLead', () => ({
      caller: writer,
      id: takeUnfavorite(),
    })),
    read('GET /v1/profile', 'getProfile', () => ({ caller: partner })),
    // Parts 5 and 6 hold these two to their own budgets, on seeded aggregates and a seeded index.
    read('GET /v1/insights', 'getInsights', () => ({ caller: partner })),
    read('GET /v1/partners?country=IT', 'searchPartners', () => ({
      caller: sender,
      query: { country: 'IT' },
    })),
    write('PUT /v1/profile', 'putProfile', () => ({ caller: writer, body: bodies.profile })),
  ];
}
