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

  it('says what If-Match and ETag do for each resource as the handlers do it', () => {
    const put = document.paths?.['/v1/profile']?.put;
    const ifMatch = put?.parameters?.find((p) => 'name' in p && p.name === 'if-match');
    const text = JSON.stringify(ifMatch);
    expect(text).toMatch(/profile/);
    expect(text).not.toMatch(/lead/);
    expect((ifMatch as { description?: string }).description).toMatch(/`"0"` matches a profile never saved/);
    expect(JSON.stringify(put?.responses?.['412'])).toMatch(/profile/);
    expect(JSON.stringify(put?.responses?.['200'])).toMatch(/profile version/);
    expect(JSON.stringify(document.paths?.['/v1/profile']?.get?.responses?.['200'])).toMatch(
      /profile version/,
    );
    const accept = document.paths?.['/v1/leads/{id}/accept']?.post;
    expect(JSON.stringify(accept?.responses?.['412'])).toMatch(/lead/);
    expect(JSON.stringify(accept?.responses?.['200'])).toMatch(/lead version/);
  });

  it('documents integer query parameters as integers with their bounds and default', () => {
    const limit = document.paths?.['/v1/leads']?.get?.parameters?.find(
      (p) => 'name' in p && p.name === 'limit',
    );
    expect(limit).toMatchObject({ schema: { type: 'integer', minimum: 1, maximum: 100 } });
  });

  // That the committed document is exactly what the schemas generate: test/unit/openapi-document.test.ts.

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
