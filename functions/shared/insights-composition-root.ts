/**
 * The composition root of the insights and search functions (the two routes and the two stream
 * consumers): configuration, their stores and use cases,
 * built once per process at cold start.
 */
import { documentClient } from '../adapters/dynamodb/client.js';
import { InsightsStore } from '../adapters/dynamodb/insights-store.js';
import { SearchIndex } from '../adapters/dynamodb/search-index.js';
import { SenderDirectory } from '../adapters/dynamodb/sender-directory.js';
import { InsightsService } from '../domain/insights-service.js';
import { SearchService } from '../domain/search.js';
import { SearchMaintenance } from '../domain/search-maintenance.js';
import { loadConfig } from './config.js';

export const config = loadConfig();
export const insightsStore = new InsightsStore(documentClient, config.tableName);
export const searchIndex = new SearchIndex(documentClient, config.tableName);
export const searchMaintenance = new SearchMaintenance(searchIndex, () => new Date());
export const insights = new InsightsService(insightsStore, () => new Date());
export const partnerSearch = new SearchService(searchIndex);
const senders = new SenderDirectory(documentClient, config.tableName);
export const senderForClient = (clientId: string) => senders.byClient(clientId);
