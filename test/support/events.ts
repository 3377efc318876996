/** API Gateway v2 events and Lambda contexts for handler tests, claims shaped as API Gateway passes them. */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

export const partnerClaims = (partnerId = 'contoso', group = 'referrals-admin', sub = 'user-1') => ({
  sub,
  partner_id: partnerId,
  'cognito:groups': `[${group}]`,
  client_id: 'partner-app',
  token_use: 'access',
});
export const senderClaims = (clientId = 'microsoft-marketing') => ({
  sub: clientId,
  client_id: clientId,
  scope: 'referrals/leads.write',
  token_use: 'access',
});

export function apiEvent(options: {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  claims?: Record<string, string> | null;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const scope = options.claims?.scope;
  return {
    version: '2.0',
    routeKey: `${options.method ?? 'GET'} ${options.path ?? '/'}`,
    rawPath: options.path ?? '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'example.test',
      domainPrefix: 'example',
      http: {
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      authorizer: (options.claims === null
        ? undefined
        : {
            principalId: '',
            integrationLatency: 0,
            jwt: { claims: options.claims ?? partnerClaims(), scopes: scope ? scope.split(' ') : null },
          }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'],
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

export const context = {
  awsRequestId: 'req-1',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export async function call(handler: Handler, event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const result = await handler(event, context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}
