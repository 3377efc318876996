/**
 * The OpenAPI document, generated from the route table's zod schemas, passes Redocly's
 * recommended rules with zero errors and zero warnings, and describes every route.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../../functions/http/openapi.js';
import { routeList } from '../../functions/http/routes.js';

const document = openApiDocument();

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and has one operation per route, each with its problem responses', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const route of routeList) {
      const operation = document.paths?.[route.path]?.[route.method.toLowerCase() as 'get'];
      expect(operation).toBeDefined();
      if (route.access !== 'public')
        expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it("passes Redocly's recommended rules", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const lint = spawnSync(
      process.execPath,
      ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--format=json', file],
      {
        encoding: 'utf8',
      },
    );
    const report = JSON.parse(lint.stdout) as { totals: { errors: number; warnings: number } };
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);
});
