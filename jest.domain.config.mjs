// The domain's own unit tests (they import nothing but functions/domain and test support), for
// Stryker's static mutants: code that runs at import (the zod schemas and their patterns) is
// covered by no test in particular, so each such mutant runs every related test, and against the
// whole unit project that is about a minute a mutant here. Against these it is seconds. A mutant
// only these tests must kill counts as survived even if a handler test would notice it: the
// figure can only come out lower than against the whole suite (MUTATION_JEST=domain). One test
// here imports more than the domain: the OpenAPI document, generated from the domain's schemas,
// the one place their descriptions and examples show.
import unit from './jest.unit.config.mjs';

const domainTests = [
  'confirmation-service',
  'contact-rules',
  'decimal',
  'domain-events',
  'domain-schemas',
  'domain-writes',
  'duplicates',
  'erasure-service',
  'insights',
  'lead-schemas',
  'lead-service',
  'lifecycle',
  'profile-service',
  'ranking',
  'search-services',
  'sketch',
  'text-fields',
  'views',
  'webhook-service',
  'webhooks',
  'notification-service',
  'openapi-document',
];

export default { ...unit, testMatch: domainTests.map((name) => `<rootDir>/test/unit/${name}.test.ts`) };
