/**
 * Personal data: the tombstone (pure), the erasure service's two paths (on request, by retention)
 * over an in-memory store, and the DynamoDB store's conditional writes (mocked): nothing deleted,
 * nothing scanned, the figures left alone.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoErasureStore } from '../../functions/adapters/dynamodb/erasure-store.js';
import { customerPk, DEADLINE_SHARDS, erasureIndexKeys } from '../../functions/adapters/dynamodb/keys.js';
import { toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { LeadWrites } from '../../functions/adapters/dynamodb/lead-writes.js';
import {
  ERASED,
  ERASED_EMAIL,
  ErasureService,
  type ErasureStore,
  erased,
  retentionCutoff,
} from '../../functions/domain/erasure.js';
import { type Lead, validLeadSchema } from '../../functions/domain/lead.js';
import { plan } from '../../functions/domain/lifecycle.js';
import { NotificationService } from '../../functions/domain/notification-service.js';
import { at, commands, deal, partner, received, run } from '../support/leads.js';

const ddb = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const lead = received({
  customer: {
    companyName: 'Fabrikam Ltd',
    contactName: 'Ana Rossi',
    email: 'Ana@Fabrikam.example',
    phone: '+39 02 1234 5678',
    country: 'IT',
    companySize: '50-249',
  },
  need: { title: 'Move our ERP to Azure', description: 'Call Ana on +39 333 1234567', products: ['Azure'] },
});

describe('the tombstone', () => {
  it('overwrites contact name, email, phone and the free-text need; keeps company, country, size and everything else', () => {
    const accepted = run(lead, commands.accept);
    const after = erased(accepted, '2027-01-01T00:00:00.000Z');
    expect(after.customer).toEqual({
      companyName: 'Fabrikam Ltd',
      contactName: ERASED,
      email: ERASED_EMAIL,
      country: 'IT',
      companySize: '50-249',
    });
    expect(after.need).toEqual({ title: 'Move our ERP to Azure', products: ['Azure'] });
    expect(JSON.stringify(after)).not.toMatch(/Ana|1234|fabrikam\.example/i);
    const { customer: _c, need: _n, erasedAt, ...rest } = after;
    const { customer: _c0, need: _n0, ...restBefore } = accepted;
    expect(rest).toEqual(restBefore);
    expect(erasedAt).toBe('2027-01-01T00:00:00.000Z');
    // An erased lead still reads as a lead.
    expect(validLeadSchema.parse(after)).toEqual(after);
  });

  it("overwrites the partner's free-text notes where they were written, and keeps a decline for other valid", () => {
    const accepted = run(lead, {
      action: 'accept',
      deal: { ...deal, notes: 'Ana prefers calls' },
    });
    expect(erased(accepted, '2027-01-01T00:00:00.000Z').deal).toMatchObject({
      notes: ERASED,
      name: 'Fabrikam ERP migration',
    });
    const declined = run(lead, {
      action: 'decline',
      decline: { reason: 'other', notes: 'Ana moved to Contoso' },
    });
    const after = erased(declined, '2027-01-01T00:00:00.000Z');
    expect(after.decline).toEqual({ reason: 'other', notes: ERASED });
    expect(validLeadSchema.parse(after)).toEqual(after);
    const won = run(accepted, { action: 'won', close: { notes: 'Ana signed' } });
    expect(erased(won, '2027-01-01T00:00:00.000Z').closed).toMatchObject({ notes: ERASED });
    // Where no notes were written, none appear.
    expect(erased(run(lead, commands.decline), '2027-01-01T00:00:00.000Z').decline).toStrictEqual({
      reason: 'no-capacity',
    });
    const plain = run(lead, commands.accept);
    const closed = run(plain, { action: 'won', close: {} });
    expect(erased(closed, '2027-01-01T00:00:00.000Z').closed).toStrictEqual(closed.closed);
    expect(erased(closed, '2027-01-01T00:00:00.000Z').deal).toStrictEqual(plain.deal);
    // Erasing twice changes nothing, not even the time.
    expect(erased(after, '2028-01-01T00:00:00.000Z')).toEqual(after);
  });

  it('counts retention from the cutoff: archived before now - retention', () => {
    expect(retentionCutoff(new Date('2029-01-01T00:00:00.000Z'), 2 * 365 * 86_400_000).toISOString()).toBe(
      '2027-01-02T00:00:00.000Z',
    );
  });
});

/** A store in memory: leads by id, links by lower-cased email, archived leads by archivedAt. */
function memoryStore(leads: Lead[]) {
  const byId = new Map(leads.map((l) => [l.id, l]));
  const expired = new Set<string>();
  const store: ErasureStore = {
    leadsOfCustomer: async (email) =>
      [...byId.values()]
        .filter((l) => l.customer.email.toLowerCase() === email.toLowerCase())
        .filter((l) => !expired.has(l.id))
        .map((l) => l.id),
    dueForErasure: async (before, limit) =>
      [...byId.values()]
        .filter((l) => l.archivedAt && !l.erasedAt && l.archivedAt < before.toISOString())
        .map((l) => l.id)
        .slice(0, limit),
    eraseLead: async (leadId, now) => {
      const old = byId.get(leadId);
      if (!old) return undefined;
      byId.set(leadId, erased(old, now.toISOString()));
      return {
        leadId,
        erasedNow: !old.erasedAt,
        ...(old.erasedAt ? {} : { formerEmail: old.customer.email }),
      };
    },
    expireLinks: async (_email, ids) => {
      for (const id of ids) expired.add(id);
    },
  };
  return { store, byId, expired };
}

describe('the erasure service', () => {
  it('erases every lead of a customer on request, whatever the case of the address, and expires the links', async () => {
    const other = { ...received({ partnerId: 'northwind' }), id: '01JD0000000000000000000001' };
    const stranger = {
      ...received({
        customer: { companyName: 'X', contactName: 'Bo', email: 'bo@x.example', country: 'DE' },
      }),
      id: '01JD0000000000000000000002',
    };
    const { store, byId, expired } = memoryStore([lead, { ...other, customer: lead.customer }, stranger]);
    const result = await new ErasureService(store).eraseCustomer('ana@fabrikam.EXAMPLE', at(5000));
    expect(result).toEqual({ leads: [lead.id, other.id], erased: 2, alreadyErased: 0 });
    expect(byId.get(lead.id)!.customer.email).toBe(ERASED_EMAIL);
    expect(byId.get(stranger.id)!.customer.email).toBe('bo@x.example');
    expect([...expired]).toEqual([lead.id, other.id]);
  });

  it('erases only leads archived more than the retention ago, and expires their links', async () => {
    const old = { ...run(lead, commands.decline, at(1000)), id: '01JD0000000000000000000003' };
    const recent = { ...run(lead, commands.decline, at(50_000)), id: '01JD0000000000000000000004' };
    const open = { ...lead, id: '01JD0000000000000000000005' };
    const { store, byId, expired } = memoryStore([old, recent, open]);
    const erasedCount = await new ErasureService(store).eraseExpired(at(61_000), 30_000, 100);
    expect(erasedCount).toBe(1);
    expect(byId.get(old.id)!.erasedAt).toBeDefined();
    expect(byId.get(recent.id)!.erasedAt).toBeUndefined();
    expect(byId.get(open.id)!.erasedAt).toBeUndefined();
    expect([...expired]).toEqual([old.id]);
  });
});

describe('the DynamoDB erasure store', () => {
  beforeEach(() => {
    ddb.reset();
    // No webhook events unless a test says otherwise.
    ddb.on(QueryCommand).resolves({ Items: [] });
  });
  const store = () => new DynamoErasureStore(db, 'leads');

  it("removes the bodies of the lead's stored webhook events, so no retry or replay sends the customer again", async () => {
    ddb.on(GetCommand).resolves({ Item: toItem(lead) });
    ddb.on(UpdateCommand).resolves({});
    const events = [
      { pk: `WHEVENT#${lead.partnerId}`, sk: `${lead.receivedAt}#${lead.id}#1` },
      { pk: `WHEVENT#${lead.partnerId}`, sk: `2026-12-01T10:00:00.000Z#${lead.id}#2` },
    ];
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [events[0]!], LastEvaluatedKey: events[0]! })
      .resolves({ Items: [events[1]!] });
    await store().eraseLead(lead.id, at(5000));
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      FilterExpression: 'leadId = :lead AND attribute_exists(body)',
      ExpressionAttributeValues: {
        ':pk': `WHEVENT#${lead.partnerId}`,
        ':since': lead.receivedAt,
        ':lead': lead.id,
      },
    });
    expect(queries[1]!.ExclusiveStartKey).toEqual(events[0]);
    const bodies = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input)
      .filter((input) => String(input.Key?.pk).startsWith('WHEVENT#'));
    expect(bodies.map((input) => input.Key)).toEqual(events);
    for (const input of bodies) expect(input.UpdateExpression).toBe('REMOVE body SET erasedAt = :at');
  });

  it('writes the tombstone the domain computes, removes the duplicates and erasure keys, conditional on the version it read', async () => {
    const declined = run(lead, commands.decline);
    ddb.on(GetCommand).resolves({ Item: toItem(declined) });
    ddb.on(UpdateCommand).resolves({});
    const result = await store().eraseLead(lead.id, at(5000));
    expect(result).toEqual({ leadId: lead.id, erasedNow: true, formerEmail: 'Ana@Fabrikam.example' });
    const [write, marker] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(write!.Key).toEqual({ pk: `LEAD#${lead.id}`, sk: 'LEAD' });
    const values = write!.ExpressionAttributeValues ?? {};
    const tombstone = erased(declined, at(5000).toISOString());
    expect(Object.values(values)).toEqual(
      expect.arrayContaining([
        tombstone.customer,
        tombstone.need,
        tombstone.decline,
        tombstone.erasedAt,
        declined.version,
      ]),
    );
    const names = Object.values(write!.ExpressionAttributeNames ?? {});
    // Archived: off the duplicates index already; off the erasure index now. The version is a condition only.
    expect(names).toEqual(expect.arrayContaining(['gsi7pk', 'gsi7sk', 'version']));
    expect(write!.UpdateExpression).toMatch(/^SET .* REMOVE /);
    expect(write!.UpdateExpression).not.toMatch(/version\s*=|#n\d+ \+/);
    expect(write!.ConditionExpression).toMatch(/^attribute_exists\(pk\) AND #n\d+ = :v\d+$/);
    expect(JSON.stringify(values)).not.toMatch(/Ana|1234/);
    // The decline email's marker named the customer: overwritten too, if it exists.
    expect(marker).toMatchObject({
      Key: { pk: `EMAIL#${lead.id}#lead-declined`, sk: 'EMAIL' },
      ConditionExpression: 'attribute_exists(recipients)',
      ExpressionAttributeValues: { ':erased': [ERASED_EMAIL] },
    });
  });

  it('reads again when the partner changed the lead in between, so no change is lost', async () => {
    const accepted = run(lead, commands.accept);
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: toItem(lead) })
      .resolves({ Item: toItem(accepted) });
    ddb
      .on(UpdateCommand, { Key: { sk: 'LEAD' } }, false)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }))
      .resolves({});
    expect(await store().eraseLead(lead.id, at(5000))).toMatchObject({ erasedNow: true });
    const writes = ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.Key?.sk === 'LEAD');
    expect(writes).toHaveLength(2);
    // The second write carries the accepted deal, erased, at the accepted version.
    expect(Object.values(writes[1]!.args[0].input.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining([accepted.version, erased(accepted, at(5000).toISOString()).deal]),
    );
  });

  it('says so when the lead was erased before, and writes nothing for a lead that does not exist', async () => {
    ddb.on(GetCommand).resolves({ Item: toItem(erased(lead, at(1).toISOString())) });
    expect(await store().eraseLead(lead.id, at(5000))).toEqual({ leadId: lead.id, erasedNow: false });
    ddb.reset();
    ddb.on(GetCommand).resolves({});
    expect(await store().eraseLead(lead.id, at(5000))).toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });

  it('finds a customer by a hash of the lower-cased address, never the address', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ leadId: 'A' }, { leadId: 'B' }] });
    expect(await store().leadsOfCustomer(' ANA@fabrikam.example ')).toEqual(['A', 'B']);
    const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(input.ExpressionAttributeValues?.[':pk']).toBe(customerPk('ana@fabrikam.example'));
    expect(JSON.stringify(input)).not.toMatch(/fabrikam/i);
    expect(input.IndexName).toBeUndefined();
  });

  it('queries each erasure shard for leads archived before the cutoff', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store().dueForErasure(new Date('2027-01-01T00:00:00.000Z'), 10);
    const inputs = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.ExpressionAttributeValues?.[':pk']).sort()).toEqual(
      Array.from({ length: DEADLINE_SHARDS }, (_, shard) => `ERASE#${shard}`).sort(),
    );
    for (const i of inputs) {
      expect(i.IndexName).toBe('dueForErasure');
      expect(i.ExpressionAttributeValues?.[':before']).toBe('2027-01-01T00:00:00.000Z');
    }
  });

  it('expires a link by TTL rather than deleting it', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store().expireLinks('Ana@Fabrikam.example', ['A'], new Date(10_000));
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: customerPk('ana@fabrikam.example'), sk: 'LEAD#A' },
      ExpressionAttributeValues: { ':now': 10 },
    });
  });
});

describe('archiving puts a lead on the erasure index', () => {
  beforeEach(() => ddb.reset());

  it('sets the dueForErasure keys in the archiving write', async () => {
    const declined = run(lead, commands.decline);
    ddb.on(UpdateCommand).resolves({ Attributes: toItem(declined) });
    const change = plan(lead.id, commands.decline, { now: at(1000), actor: partner, partnerId: 'contoso' });
    await new LeadWrites(db, 'leads', async () => undefined).apply(change);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    const values = Object.values(input.ExpressionAttributeValues ?? {});
    const keys = erasureIndexKeys(lead.id, declined.archivedAt!);
    expect(values).toEqual(expect.arrayContaining([keys.gsi7pk, keys.gsi7sk]));
    // ...and toItem agrees, until the lead is erased.
    expect(toItem(declined)).toMatchObject(keys);
    expect(toItem(erased(declined, at(2).toISOString()))).not.toHaveProperty('gsi7pk');
  });
});

describe('an erased customer is not mailed', () => {
  it('sends no decline email for a lead erased while it was open', async () => {
    const directory = {
      alertRecipients: async () => [],
      sender: async () => undefined,
      suppressed: async () => new Set<string>(),
    };
    const render = () => ({ subject: 's', text: 't', html: 'h' });
    const service = new NotificationService(directory, render, () => at(2000));
    const declined = run(lead, commands.decline);
    expect(await service.compose({ kind: 'lead-declined', lead: declined })).toMatchObject({
      to: ['ana@fabrikam.example'],
    });
    expect(
      await service.compose({ kind: 'lead-declined', lead: erased(declined, at(1500).toISOString()) }),
    ).toBeUndefined();
  });
});
