// The schema tests alone, for the static mutants of lead.ts, profile.ts and webhooks.ts
// (MUTATION_JEST=schemas): each such mutant runs every test it is given, and these are the tests
// that check the schemas' patterns, limits and messages at their edges, and the OpenAPI document
// they publish (their descriptions and examples). Fewer tests can only mean fewer mutants noticed.
import unit from './jest.unit.config.mjs';

const schemaTests = [
  'domain-schemas',
  'domain-writes',
  'lead-schemas',
  'openapi-document',
  'profile-service',
  'text-fields',
  'webhooks',
];

export default { ...unit, testMatch: schemaTests.map((name) => `<rootDir>/test/unit/${name}.test.ts`) };
