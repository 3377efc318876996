/** What the domain needs from storage; the DynamoDB repositories implement it. */
import type { DuplicateCandidate } from './duplicates.js';
import type { Lead, Sender, Stage, Tab } from './lead.js';
import type { Change } from './lifecycle.js';
import type { Profile, ProfileInput } from './profile.js';

/** A request made under an Idempotency-Key: a replay with the same key and body returns the original. */
export interface IdempotentRequest {
  senderId: string;
  key: string;
  /** A digest of the request body: the same key with another body is refused. */
  fingerprint: string;
}

/** A received lead that has come due, as the sparse indexes tell it. */
export interface Due {
  leadId: string;
  partnerId: string;
  respondBy: string;
}

export interface Page<T> {
  items: T[];
  /** The id to read on from, when there is more. */
  next?: string;
}

export interface PartnerListQuery {
  partnerId: string;
  userSub: string;
  tab?: Tab | 'favorites';
  stage?: Stage;
  before?: string;
  limit: number;
  now: Date;
}

export interface SenderListQuery {
  senderId: string;
  before?: string;
  limit: number;
  now: Date;
  /** When the sender was registered: it has no leads before then. */
  since: string;
}

export interface LeadStore {
  /** Stores a new lead with its expiry timer, atomically with the idempotency record if any. */
  create(lead: Lead, idempotent?: IdempotentRequest): Promise<{ lead: Lead; replayed: boolean }>;
  get(leadId: string): Promise<Lead | undefined>;
  /** Applies a planned change in one conditional write; throws the domain error that explains a refusal. */
  apply(change: Change): Promise<Lead>;
  /** The same conditional write, reading nothing back: false when the guard refused it. */
  applyIfAllowed(change: Change): Promise<boolean>;
  setFavorite(leadId: string, partnerId: string, userSub: string, favorite: boolean): Promise<void>;
  listForPartner(query: PartnerListQuery): Promise<Page<Lead>>;
  listForSender(query: SenderListQuery): Promise<Page<Lead>>;
  senderForClient(clientId: string): Promise<Sender | undefined>;
  /** Received leads whose deadline or reminder time is before `before`. */
  due(kind: 'expiry' | 'reminder', before: Date, limit: number): Promise<Due[]>;
  /**
   * Asks for a lead's reminder (again): sets `remindedAt` to now, the event the notifier emails
   * from, and keeps the lead on the reminder index until `recheckAt`; false if it no longer applies.
   */
  markReminded(leadId: string, partnerId: string, now: Date, recheckAt: Date): Promise<boolean>;
  /** Whether the lead's reminder email went out (or was found to have nobody to go to). */
  reminderSettled(leadId: string): Promise<boolean>;
  /** Takes a lead whose reminder is settled off the reminder index. */
  clearReminder(leadId: string): Promise<void>;
  /**
   * The partner's open leads received since `since` whose customer shares this email's match key
   * (its company domain, or the address for free mail): the candidates of SPEC §7.4, newest first.
   */
  openLeadsLike(partnerId: string, email: string, since: string): Promise<DuplicateCandidate[]>;
}

export interface ProfileStore {
  get(partnerId: string): Promise<Profile | undefined>;
  /**
   * Replaces the profile in one conditional write: with `ifMatch`, only at one of those versions
   * (0: never saved) or, for `'any'`, only once saved; a refusal throws `VersionMismatchError`.
   */
  put(partnerId: string, input: ProfileInput, now: Date, ifMatch?: number[] | 'any'): Promise<Profile>;
}
