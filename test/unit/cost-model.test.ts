/**
 * The cost and capacity arithmetic of docs/capacity-and-cost.md: per life cycle, priced per 1,000,
 * and the busiest partition of each index against DynamoDB's per-partition ceilings.
 */
import { readFileSync } from 'node:fs';
import {
  costPerThousand,
  type Measurement,
  PARTITION,
  perLifeCycle,
  prices,
  readHotspots,
  writeHotspots,
} from '../../scripts/cost-model.js';

const measurement: Measurement = {
  measuredAt: '2026-12-04T00:00:00.000Z',
  lifeCycles: 10,
  mix: { won: 1 },
  apiRequests: { 'POST /v1/leads': 10, 'GET /v1/leads': 10 },
  dynamoRequests: { PutItem: 20, Query: 10 },
  table: { read: 5, write: 100 },
  indexes: {
    bySender: { read: 0, write: 100 },
    dueForExpiry: { read: 0, write: 20 },
    byPartner: { read: 40, write: 100 },
  },
  emails: { alert: 10, decline: 5 },
  leadVersions: 30,
  reads: { list: { requests: 1, readUnits: 4 }, insights: { requests: 1, readUnits: 6 } },
};

describe('cost model', () => {
  it('divides the measurement by the life cycles, every index write included', () => {
    const p = perLifeCycle(measurement);
    expect(p.apiRequests).toBe(2);
    expect(p.writeUnits).toBe(32); // (100 + 100 + 20 + 100) / 10
    expect(p.readUnits).toBe(4.5);
    expect(p.emails).toBe(1.5);
  });

  it('prices 1,000 life cycles from the list prices', () => {
    const { lines } = costPerThousand(measurement);
    expect(lines['API Gateway (HTTP API)']).toBeCloseTo((2000 * prices.apiGatewayHttpPerMillion) / 1e6, 6);
    expect(lines['DynamoDB writes (table + every index)']).toBeCloseTo(
      (32_000 * prices.dynamoWritePerMillion) / 1e6,
      4,
    );
    expect(lines.SES).toBeCloseTo(1500 * (prices.sesPerThousand / 1000), 6);
  });

  it('puts a single sender on one partition and the deadline index on its shards', () => {
    const hot = writeHotspots(measurement, {
      intakesPerSecond: 1000,
      topPartnerShare: 0.05,
      topSenderShare: 1,
      topCustomerShare: 0.1,
    });
    const bySender = hot.find((h) => h.index === 'bySender')!;
    expect(bySender.busiestPartitionWcuPerSecond).toBe(10_000);
    expect(bySender.holds).toBe(false);
    expect(bySender.intakeCeilingPerSecond).toBe(100);
    const deadline = hot.find((h) => h.index === 'dueForExpiry')!;
    expect(deadline.busiestPartitionWcuPerSecond).toBe(2000 / 16);
    expect(deadline.holds).toBe(true);
    expect(hot.find((h) => h.index === 'byPartner')!.busiestPartitionWcuPerSecond).toBe(500);
  });

  it('spreads platform-wide insights reads over the platform shards, lists over one partner', () => {
    const reads = readHotspots(measurement, {
      readsPerSecond: 10_000,
      mix: { list: 0.5, insights: 0.5 },
      topPartnerShare: 0.1,
    });
    expect(reads.find((r) => r.route === 'list')!.busiestPartitionRcuPerSecond).toBe(2000);
    expect(reads.find((r) => r.route === 'insights')!.busiestPartitionRcuPerSecond).toBe(10_000);
    expect(reads.find((r) => r.route === 'insights')!.holds).toBe(10_000 <= PARTITION.readUnits);
  });

  it('reads the saved measurement the docs page is computed from', () => {
    const saved = JSON.parse(readFileSync('docs/capacity-measured.json', 'utf8')) as Measurement;
    expect(saved.lifeCycles).toBeGreaterThan(0);
    expect(costPerThousand(saved).total).toBeGreaterThan(0);
  });
});
