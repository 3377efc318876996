/** The composition root of the profile functions: the profile repository behind the profile service. */
import { documentClient } from '../adapters/dynamodb/client.js';
import { ProfileRepository } from '../adapters/dynamodb/profile-repository.js';
import { ProfileService } from '../domain/profile-service.js';
import { loadConfig } from './config.js';

const config = loadConfig();
export const profiles = new ProfileService(
  new ProfileRepository(documentClient, config.tableName),
  () => new Date(),
);
