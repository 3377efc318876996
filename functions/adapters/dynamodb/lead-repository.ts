/**
 * The DynamoDB implementation of the domain's lead store: the write path, the read path and the
 * sender directory, each in its own module, behind the one port the lead service knows.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Lead, Sender } from '../../domain/lead.js';
import type { Change } from '../../domain/lifecycle.js';
import type {
  Due,
  IdempotentRequest,
  LeadStore,
  Page,
  PartnerListQuery,
  SenderListQuery,
} from '../../domain/ports.js';
import { DynamoDeliveryMarkers } from './delivery-markers.js';
import { LeadQueries } from './lead-queries.js';
import { LeadWrites } from './lead-writes.js';
import { SenderDirectory } from './sender-directory.js';

export class LeadRepository implements LeadStore {
  private readonly queries: LeadQueries;
  private readonly writes: LeadWrites;
  readonly senders: SenderDirectory;
  private readonly markers: DynamoDeliveryMarkers;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.markers = new DynamoDeliveryMarkers(db, tableName);
    this.queries = new LeadQueries(db, tableName);
    this.writes = new LeadWrites(db, tableName, (leadId) => this.queries.get(leadId, true));
    this.senders = new SenderDirectory(db, tableName);
  }

  create(lead: Lead, idempotent?: IdempotentRequest) {
    return this.writes.create(lead, idempotent);
  }

  get(leadId: string): Promise<Lead | undefined> {
    return this.queries.get(leadId);
  }

  apply(change: Change): Promise<Lead> {
    return this.writes.apply(change);
  }

  applyIfAllowed(change: Change): Promise<boolean> {
    return this.writes.applyIfAllowed(change);
  }

  setFavorite(leadId: string, partnerId: string, userSub: string, favorite: boolean): Promise<void> {
    return this.writes.setFavorite(leadId, partnerId, userSub, favorite);
  }

  listForPartner(query: PartnerListQuery): Promise<Page<Lead>> {
    return this.queries.listForPartner(query);
  }

  listForSender(query: SenderListQuery): Promise<Page<Lead>> {
    return this.queries.listForSender(query);
  }

  senderForClient(clientId: string): Promise<Sender | undefined> {
    return this.senders.byClient(clientId);
  }

  due(kind: 'expiry' | 'reminder', before: Date, limit: number): Promise<Due[]> {
    return this.queries.due(kind, before, limit);
  }

  markReminded(leadId: string, partnerId: string, now: Date, recheckAt: Date): Promise<boolean> {
    return this.writes.markReminded(leadId, partnerId, now, recheckAt);
  }

  reminderSettled(leadId: string): Promise<boolean> {
    return this.markers.settled({ type: 'lead', leadId, kind: 'lead-reminder' });
  }

  clearReminder(leadId: string): Promise<void> {
    return this.writes.clearReminder(leadId);
  }

  openLeadsLike(partnerId: string, email: string, since: string) {
    return this.queries.openLeadsLike(partnerId, email, since);
  }
}
