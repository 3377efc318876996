/** Prints the OpenAPI document (used by the Redocly lint in tests and CI). */
import { openApiDocument } from '../functions/http/openapi.js';

process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
