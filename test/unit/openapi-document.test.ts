/**
 * The OpenAPI document is a product: partners build clients from it. It is generated from the
 * route table's zod schemas, so a schema's description, example or limit changed in the domain
 * changes what is published; the committed document (the one the openapi function serves) must
 * be exactly what the schemas generate. A unit test, so the mutation run (jest.unit, jest.domain,
 * jest.schemas) notices a schema's metadata emptied, not only its rules.
 */
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../functions/http/openapi.js';

describe('OpenAPI document', () => {
  it('is the document the openapi function serves (npm run openapi:write after changing a schema)', () => {
    const served: unknown = JSON.parse(readFileSync('functions/openapi/document.json', 'utf8'));
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});
