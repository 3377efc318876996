/**
 * Cost and capacity on paper (issue 7, item 10), computed from a measurement of what full lead life
 * cycles ask of the platform (scripts/cost.ts takes it from the local runtime) and from public list
 * prices. Pure: no I/O, so the figures in docs/capacity-and-cost.md can be recomputed from the
 * saved measurement with `npm run cost -- --from docs/capacity-measured.json`.
 */
import { DEADLINE_SHARDS, PLATFORM_SHARDS } from '../functions/adapters/dynamodb/keys.js';

/** What N full life cycles cost the platform, as measured (per life cycle after `perLifeCycle`). */
export interface Measurement {
  measuredAt: string;
  lifeCycles: number;
  /** The mix of how the life cycles ended, as fractions. */
  mix: Record<string, number>;
  /** HTTP API requests, by route. */
  apiRequests: Record<string, number>;
  /** DynamoDB requests the functions sent, by operation. */
  dynamoRequests: Record<string, number>;
  /** Capacity units DynamoDB (Local) reported: base table and each index. */
  table: { read: number; write: number };
  indexes: Record<string, { read: number; write: number }>;
  /** Emails sent through SES, by kind. */
  emails: Record<string, number>;
  /** Lead versions written (insert, each action, the expiry): records on the table's stream. */
  leadVersions: number;
  /** One warm call of each read route, alone: DynamoDB requests and read units. */
  reads: Record<string, { requests: number; readUnits: number }>;
}

/**
 * Public list prices, us-east-1. The date is when they were read from the pricing pages named;
 * this script was written without network access to AWS, so re-check them before relying on
 * the totals (the formulas and the measured units do not change with the prices).
 */
export const prices = {
  asOf: 'AWS public price list, us-east-1, as of 2024-11 (DynamoDB on-demand after its 2024-11-01 cut); not re-checked in 2026',
  apiGatewayHttpPerMillion: 1.0, // https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 M/month)
  lambdaPerMillionRequests: 0.2, // https://aws.amazon.com/lambda/pricing/
  lambdaArmPerGbSecond: 0.0000133334, // arm64, first 7.5 B GB-s/month
  dynamoWritePerMillion: 0.625, // https://aws.amazon.com/dynamodb/pricing/on-demand/ (write request units)
  dynamoReadPerMillion: 0.125, // read request units
  sesPerThousand: 0.1, // https://aws.amazon.com/ses/pricing/ (outbound email, no attachments)
  sqsFifoPerMillion: 0.5, // https://aws.amazon.com/sqs/pricing/ (FIFO requests, 64 KB chunks)
};

/**
 * What the measurement cannot see, stated: how long functions run and how stream records batch on
 * AWS. Lambda is priced at one invocation per API request and, conservatively, one invocation per
 * stream record for each stream consumer that record passes (a quiet table's batches are single
 * records; a busy one's are up to 25-200), at the stack's 1,024 MB.
 */
export const assumptions = {
  lambdaMemoryGb: 1,
  apiInvocationSeconds: 0.05,
  consumerInvocationSeconds: 0.1,
  /** Stream consumers a lead version's record reaches: aggregator, notifier (filtered), search indexer (via STATS). */
  consumersPerLeadVersion: 3,
  /** SQS requests per email: SendMessage, ReceiveMessage and DeleteMessage (batches of up to 10 counted as one each, so this is an upper bound). */
  sqsRequestsPerEmail: 3,
};

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const round = (n: number, digits = 4) => Number(n.toFixed(digits));

/** Per life cycle. */
export function perLifeCycle(m: Measurement) {
  const n = m.lifeCycles;
  const per = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v / n]));
  const indexes = Object.fromEntries(
    Object.entries(m.indexes).map(([k, u]) => [k, { read: u.read / n, write: u.write / n }]),
  );
  return {
    apiRequests: sum(Object.values(m.apiRequests)) / n,
    dynamoRequests: sum(Object.values(m.dynamoRequests)) / n,
    dynamoByOperation: per(m.dynamoRequests),
    table: { read: m.table.read / n, write: m.table.write / n },
    indexes,
    writeUnits: (m.table.write + sum(Object.values(m.indexes).map((u) => u.write))) / n,
    readUnits: (m.table.read + sum(Object.values(m.indexes).map((u) => u.read))) / n,
    emails: sum(Object.values(m.emails)) / n,
    leadVersions: m.leadVersions / n,
  };
}

/** Dollars per 1,000 full life cycles, by service. */
export function costPerThousand(m: Measurement) {
  const p = perLifeCycle(m);
  const a = assumptions;
  const thousand = 1000;
  const consumerInvocations = p.leadVersions * a.consumersPerLeadVersion + p.emails;
  const lambdaSeconds =
    p.apiRequests * a.apiInvocationSeconds + consumerInvocations * a.consumerInvocationSeconds;
  const lines = {
    'API Gateway (HTTP API)': (p.apiRequests * thousand * prices.apiGatewayHttpPerMillion) / 1e6,
    Lambda:
      ((p.apiRequests + consumerInvocations) * thousand * prices.lambdaPerMillionRequests) / 1e6 +
      lambdaSeconds * thousand * a.lambdaMemoryGb * prices.lambdaArmPerGbSecond,
    'DynamoDB writes (table + every index)': (p.writeUnits * thousand * prices.dynamoWritePerMillion) / 1e6,
    'DynamoDB reads': (p.readUnits * thousand * prices.dynamoReadPerMillion) / 1e6,
    SES: (p.emails * thousand * prices.sesPerThousand) / 1000,
    'SQS (FIFO email queue)': (p.emails * a.sqsRequestsPerEmail * thousand * prices.sqsFifoPerMillion) / 1e6,
  };
  const rounded = Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, round(v)]));
  return { lines: rounded, total: round(sum(Object.values(lines))), consumerInvocations, lambdaSeconds };
}

/** DynamoDB's per-partition ceilings. */
export const PARTITION = { writeUnits: 1000, readUnits: 3000 };

/** How the keys of each index spread load (keys.ts), for the capacity check. */
export const spread: Record<
  string,
  { partitionKey: string; by: 'partner' | 'sender' | 'platform' | 'lead' | 'customer'; shards?: number }
> = {
  byPartnerStage: { partitionKey: 'PARTNER#<p>#<stage>', by: 'partner' },
  byPartner: { partitionKey: 'PARTNER#<p>', by: 'partner' },
  bySender: { partitionKey: 'SENT#<sender>#<YYYY-MM>', by: 'sender' },
  dueForExpiry: {
    partitionKey: `DEADLINE#<0-${DEADLINE_SHARDS - 1}>`,
    by: 'platform',
    shards: DEADLINE_SHARDS,
  },
  dueForReminder: {
    partitionKey: `REMIND#<0-${DEADLINE_SHARDS - 1}>`,
    by: 'platform',
    shards: DEADLINE_SHARDS,
  },
  openByCustomer: { partitionKey: 'DUPS#<p>#<domain|email>', by: 'customer' },
};

export interface LoadScenario {
  /** Life cycles started per second, platform-wide (each ends later; in steady state the rates match). */
  intakesPerSecond: number;
  /** The busiest partner's share of intake. */
  topPartnerShare: number;
  /** The busiest sender's share of intake (the vendor's own marketing system may send most leads). */
  topSenderShare: number;
  /** The busiest customer domain's share of one partner's intake. */
  topCustomerShare: number;
}

/** Write units per second on the busiest partition of each index, against the 1,000 WCU ceiling. */
export function writeHotspots(m: Measurement, s: LoadScenario) {
  const p = perLifeCycle(m);
  return Object.entries(spread).map(([index, how]) => {
    const perLc = p.indexes[index]?.write ?? 0;
    const share =
      how.by === 'partner'
        ? s.topPartnerShare
        : how.by === 'sender'
          ? s.topSenderShare
          : how.by === 'customer'
            ? s.topPartnerShare * s.topCustomerShare
            : 1 / (how.shards ?? 1);
    const wcu = perLc * s.intakesPerSecond * share;
    const maxIntake = perLc * share > 0 ? PARTITION.writeUnits / (perLc * share) : Number.POSITIVE_INFINITY;
    return {
      index,
      partitionKey: how.partitionKey,
      writeUnitsPerLifeCycle: round(perLc, 2),
      busiestPartitionWcuPerSecond: round(wcu, 0),
      holds: wcu <= PARTITION.writeUnits,
      intakeCeilingPerSecond: round(maxIntake, 0),
    };
  });
}

/** Read units per second on the partitions partner reads hit, against the 3,000 RCU ceiling. */
export function readHotspots(
  m: Measurement,
  r: { readsPerSecond: number; mix: Record<string, number>; topPartnerShare: number },
) {
  return Object.entries(r.mix).map(([route, share]) => {
    const call = m.reads[route];
    const units = call?.readUnits ?? 0;
    // Insights read the platform's month items (PLATFORM#0-2), shared by every partner; lists and
    // lead reads stay in the partner's own partitions; a lead read is one lead's item.
    const platformWide = route === 'insights';
    const perLead = route === 'lead';
    const rps = r.readsPerSecond * share;
    const partitionRcu = platformWide
      ? (rps * units) / PLATFORM_SHARDS // at most: as if the platform items were all of an insights read
      : perLead
        ? units // one lead item, any one partition: negligible
        : rps * r.topPartnerShare * units;
    return {
      route,
      readsPerSecond: round(rps, 0),
      readUnitsPerCall: round(units, 2),
      busiestPartitionRcuPerSecond: round(partitionRcu, 0),
      holds: partitionRcu <= PARTITION.readUnits,
    };
  });
}
