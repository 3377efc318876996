/**
 * The composition root of the lead functions: configuration, the DynamoDB adapters and the lead
 * use cases, built once per process at cold start.
 *
 * Each instance is a `/* @__PURE__ *\/ new` with plain-name arguments (esbuild keeps a pure `new`
 * whose arguments read a property), so a function's bundle keeps only what its handler uses: a
 * read-only route builds the reads on `LeadQueries` and neither bundles the write path, the
 * intake's duplicate flagging and ids, nor the delivery markers (README, cold start).
 */
import { monotonicFactory } from 'ulidx';
import { documentClient } from '../adapters/dynamodb/client.js';
import { LeadQueries } from '../adapters/dynamodb/lead-queries.js';
import { LeadRepository } from '../adapters/dynamodb/lead-repository.js';
import { LeadWrites } from '../adapters/dynamodb/lead-writes.js';
import { SenderDirectory } from '../adapters/dynamodb/sender-directory.js';
import { LeadReads } from '../domain/lead-reads.js';
import { LeadService } from '../domain/lead-service.js';
import { PartnerActions } from '../domain/partner-actions.js';
import { loadConfig } from './config.js';

export const config = loadConfig();
const { tableName, windows } = config;
/** The time every lead view and use case is computed at. */
export const clock = (): Date => new Date();
const newId = /* @__PURE__ */ monotonicFactory();

const queries = /* @__PURE__ */ new LeadQueries(documentClient, tableName);
const repository = /* @__PURE__ */ new LeadRepository(documentClient, tableName);
// As LeadRepository wires it: an idempotent replay reads the original back, consistently.
const readBack = (leadId: string) => queries.get(leadId, true);
const writes = /* @__PURE__ */ new LeadWrites(documentClient, tableName, readBack);
const senders = /* @__PURE__ */ new SenderDirectory(documentClient, tableName);

/** What the read-only routes use: one lead, a page, the clock their views are computed at. */
export const leadReads = /* @__PURE__ */ new LeadReads(queries, clock);
/** The partner's actions on a lead and its favorite mark: the write path alone. */
export const partnerActions = /* @__PURE__ */ new PartnerActions(writes, clock);
/** Intake (a sender's new lead, flagged with possible duplicates) and the expiry use cases. */
export const leads = /* @__PURE__ */ new LeadService(repository, windows, clock, newId);
export const senderForClient = (clientId: string) => senders.byClient(clientId);
