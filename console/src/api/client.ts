/**
 * The one client of the partner API: bearer token, JSON bodies, `If-Match` from the version the
 * user acted on, and every failure as an ApiError carrying the API's problem+json.
 */
import type {
  AcceptRequest,
  CloseRequest,
  ContactsRequest,
  DeclineRequest,
  DeliveryPage,
  EditRequest,
  History,
  Insights,
  InsightsQuery,
  LeadListQuery,
  LeadPage,
  PartnerLead,
  Problem,
  Profile,
  ProfileRequest,
  ReplayRequest,
  ReplayResponse,
  TestResponse,
  Webhook,
  WebhookChange,
  WebhookList,
  WebhookRequest,
  WebhookWithSecret,
} from './types.js';

/** An answer other than 2xx, with the API's problem details (or one made up for a network failure). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
  get status() {
    return this.problem.status;
  }
  get code() {
    return this.problem.code;
  }
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && typeof v.title === 'string' && typeof v.code === 'string';
}

export interface ApiClientOptions {
  /** '' for the same origin (local), else the API's URL. */
  baseUrl: string;
  token: () => string | undefined;
  /** Called on a 401: the token expired or was refused. */
  onUnauthorized: () => void;
}

interface RequestOptions {
  body?: unknown;
  version?: number;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

export function createApiClient(options: ApiClientOptions) {
  async function request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    const url = new URL(`${options.baseUrl}${path}`, window.location.origin);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.version !== undefined) headers['if-match'] = `"${request.version}"`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw new ApiError({
        type: 'about:blank',
        title: 'The API cannot be reached',
        status: 0,
        code: 'network-error',
        detail: 'Check your connection and try again.',
      });
    }
    if (response.status === 401) options.onUnauthorized();
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      throw new ApiError(
        isProblem(body)
          ? body
          : {
              type: 'about:blank',
              title: response.statusText || 'Request failed',
              status: response.status,
              code: `http-${response.status}`,
            },
      );
    }
    return body as T;
  }

  const lead = (id: string) => `/v1/leads/${encodeURIComponent(id)}`;
  const webhook = (id: string) => `/v1/webhooks/${encodeURIComponent(id)}`;
  return {
    listLeads: (query: LeadListQuery, signal?: AbortSignal) =>
      request<LeadPage>('GET', '/v1/leads', { query, ...(signal ? { signal } : {}) }),
    getLead: (id: string) => request<PartnerLead>('GET', lead(id)),
    getHistory: (id: string) => request<History>('GET', `${lead(id)}/history`),
    accept: (id: string, body: AcceptRequest, version: number) =>
      request<PartnerLead>('POST', `${lead(id)}/accept`, { body, version }),
    decline: (id: string, body: DeclineRequest, version: number) =>
      request<PartnerLead>('POST', `${lead(id)}/decline`, { body, version }),
    edit: (id: string, body: EditRequest, version: number) =>
      request<PartnerLead>('PATCH', lead(id), { body, version }),
    addContacts: (id: string, body: ContactsRequest, version: number) =>
      request<PartnerLead>('POST', `${lead(id)}/contacts`, { body, version }),
    close: (id: string, outcome: 'won' | 'lost', body: CloseRequest, version: number) =>
      request<PartnerLead>('POST', `${lead(id)}/${outcome}`, { body, version }),
    setFavorite: (id: string, favorite: boolean) =>
      request<void>(favorite ? 'PUT' : 'DELETE', `${lead(id)}/favorite`),
    getProfile: () => request<Profile>('GET', '/v1/profile'),
    putProfile: (body: ProfileRequest, version: number) =>
      // Version 0 is a profile never saved: there is nothing to match yet.
      request<Profile>('PUT', '/v1/profile', { body, ...(version > 0 ? { version } : {}) }),
    getInsights: (query: InsightsQuery, signal?: AbortSignal) =>
      request<Insights>('GET', '/v1/insights', { query, ...(signal ? { signal } : {}) }),
    listWebhooks: () => request<WebhookList>('GET', '/v1/webhooks'),
    getWebhook: (id: string) => request<Webhook>('GET', webhook(id)),
    createWebhook: (body: WebhookRequest) => request<WebhookWithSecret>('POST', '/v1/webhooks', { body }),
    changeWebhook: (id: string, body: WebhookChange) => request<Webhook>('PATCH', webhook(id), { body }),
    deleteWebhook: (id: string) => request<void>('DELETE', webhook(id)),
    rotateSecret: (id: string) => request<WebhookWithSecret>('POST', `${webhook(id)}/rotate-secret`),
    testWebhook: (id: string) => request<TestResponse>('POST', `${webhook(id)}/test`),
    listDeliveries: (id: string, cursor: string | undefined, signal?: AbortSignal) =>
      request<DeliveryPage>('GET', `${webhook(id)}/deliveries`, {
        query: { limit: 20, cursor },
        ...(signal ? { signal } : {}),
      }),
    retryDelivery: (id: string, deliveryId: string) =>
      request<unknown>('POST', `${webhook(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`),
    replay: (id: string, body: ReplayRequest) =>
      request<ReplayResponse>('POST', `${webhook(id)}/replay`, { body }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
