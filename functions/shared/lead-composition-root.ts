/**
 * The composition root of the lead functions: configuration, the DynamoDB repository and the lead
 * service, built once per process at cold start.
 */
import { monotonicFactory } from 'ulidx';
import { documentClient } from '../adapters/dynamodb/client.js';
import { LeadRepository } from '../adapters/dynamodb/lead-repository.js';
import { LeadService } from '../domain/lead-service.js';
import { loadConfig } from './config.js';

export const config = loadConfig();
export const repository = new LeadRepository(documentClient, config.tableName);
export const leads = new LeadService(repository, config.windows, () => new Date(), monotonicFactory());
export const senderForClient = (clientId: string) => repository.senderForClient(clientId);
