/**
 * The composition root of the insights and search functions (the two routes and the two stream
 * consumers): configuration, their stores and use cases,
 * built once per process at cold start.
 */
import { documentClient } from '../adapters/dynamodb/client.js';
import { InsightsStore } from '../adapters/dynamodb/insights-store.js';
import { SearchCards, SearchIndex } from '../adapters/dynamodb/search-index.js';
import { SenderDirectory } from '../adapters/dynamodb/sender-directory.js';
import { InsightsService } from '../domain/insights-service.js';
import { SearchService } from '../domain/search.js';
import { SearchMaintenance } from '../domain/search-maintenance.js';
import { loadConfig } from './config.js';

export const config = loadConfig();
const { tableName } = config;

// Each use case is marked pure, so a function builds (and bundles) only what it uses: the search
// route neither the insights store nor the index maintenance. Plain names in the arguments: esbuild
// keeps an unused `new` whose arguments read a property (a getter might run).
export const insightsStore = /* @__PURE__ */ new InsightsStore(documentClient, tableName);
export const searchIndex = /* @__PURE__ */ new SearchIndex(documentClient, tableName);
const searchCards = /* @__PURE__ */ new SearchCards(documentClient, tableName);
export const searchMaintenance = /* @__PURE__ */ new SearchMaintenance(searchCards, () => new Date());
export const insights = /* @__PURE__ */ new InsightsService(insightsStore, () => new Date());
export const partnerSearch = /* @__PURE__ */ new SearchService(searchIndex);
const senders = /* @__PURE__ */ new SenderDirectory(documentClient, tableName);
export const senderForClient = (clientId: string) => senders.byClient(clientId);
