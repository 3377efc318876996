/** The OpenAPI 3.1 document, generated from the route table and its zod schemas. */
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { problemSchema } from './problem.js';
import { type Route, routeList } from './routes.js';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

function errorsOf(route: Route) {
  const errors: ZodOpenApiResponsesObject = {};
  if (route.access !== 'public') {
    errors['401'] = problem('Missing or invalid bearer token.');
    errors['403'] = problem('The token lacks the role or scope this route needs.');
  }
  if (route.body || route.query || route.headers)
    errors['400'] = problem('Malformed JSON or a failed validation.');
  if (route.notFound) errors['404'] = problem(route.notFound.description);
  if (route.body) {
    errors['413'] = problem('The body exceeds 64 KiB.');
    errors['415'] = problem('The body is not JSON.');
  }
  if (route.conflict) errors['409'] = problem(route.conflict);
  if (route.headers?.shape['if-match'])
    errors['412'] = problem(`If-Match names no current version of the ${route.success.etag ?? 'resource'}.`);
  errors['429'] =
    route.access === 'public'
      ? problem('Throttled; retry later.')
      : {
          ...problem(
            "Throttled: the stage's limit, or this sender's or partner's own fair-use limit per window (code too-many-requests); retry after Retry-After seconds.",
          ),
          headers: {
            'Retry-After': {
              description: "Seconds until the client's fair-use window ends (fair-use refusals only).",
              schema: { type: 'integer' as const, minimum: 1 },
            },
          },
        };
  return errors;
}

function operation(route: Route): ZodOpenApiOperationObject {
  const { success } = route;
  return {
    operationId: route.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    requestParams: {
      ...(route.params ? { path: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.headers ? { header: route.headers } : {}),
    },
    ...(route.body
      ? {
          requestBody: {
            required: !route.bodyOptional,
            content: { 'application/json': { schema: route.body } },
          },
        }
      : {}),
    responses: {
      [String(success.status)]: {
        description: success.description,
        ...(success.etag
          ? {
              headers: {
                ETag: {
                  description: `The ${success.etag} version as a strong ETag (\`"<version>"\`), for If-Match.`,
                  schema: { type: 'string' as const },
                },
              },
            }
          : {}),
        ...(success.schema ? { content: { 'application/json': { schema: success.schema() } } } : {}),
      },
      ...errorsOf(route),
    },
  };
}

export function openApiDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routeList) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Partner Referrals API',
      version: '1.0.0',
      description: 'Sender systems post leads to partners; partners accept, decline, edit and close them.',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The host serving this document.' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'Leads', description: 'A partner works its leads.' },
      { name: 'Sent leads', description: 'A sender system posts leads and follows them.' },
      { name: 'Profile', description: "The partner's business profile and alert contacts." },
      {
        name: 'Webhooks',
        description:
          'Signed lead events (Standard Webhooks) POSTed to a partner app, with a delivery log, retry and replay.',
      },
      { name: 'Platform', description: 'Health and this document.' },
    ],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Cognito JWT. Partner users: groups mpn-partner-admin or referrals-admin and a partner_id claim. Senders: client credentials with scope referrals/leads.write.',
        },
      },
    },
    paths,
  });
}
