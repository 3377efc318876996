/**
 * Contact confirmation and the insights use case against recording fakes: what a saved profile
 * writes and queues for each address (and for which it writes nothing), what a link confirms,
 * and which months the insights read.
 */

import {
  type ConfirmationDeps,
  ConfirmationService,
  confirmAddress,
  profileView,
} from '../../functions/domain/confirmation-service.js';
import {
  type ConfirmationRequest,
  type ContactRecord,
  type ContactRegistry,
  normalizeAddress,
} from '../../functions/domain/contacts.js';
import type { EmailMessage } from '../../functions/domain/email-message.js';
import { ConfirmationLinkInvalidError, InvalidInputError } from '../../functions/domain/errors.js';
import { figure, type Tally } from '../../functions/domain/insights.js';
import { InsightsService } from '../../functions/domain/insights-service.js';
import { emptyProfile, type Profile } from '../../functions/domain/profile.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const DAY = 86_400_000;

const profileWith = (...emails: string[][]): Profile => ({
  ...emptyProfile('contoso'),
  locations: emails.map((list, i) => ({
    name: `Office ${i}`,
    country: 'IT',
    contacts: list.map((email) => ({ name: 'Ada', email })),
  })),
});

function recordingRegistry(
  records: Map<string, ContactRecord> = new Map(),
  suppressed: Set<string> = new Set(),
  refuse: ReadonlySet<string> = new Set(),
) {
  const requests: Array<{ request: ConfirmationRequest; previous: ContactRecord | undefined }> = [];
  const marked: unknown[][] = [];
  const asked: unknown[][] = [];
  const registry: ContactRegistry = {
    records: async (partnerId) => {
      asked.push(['records', partnerId]);
      return records;
    },
    suppressed: async (addresses) => {
      asked.push(['suppressed', addresses]);
      return suppressed;
    },
    request: async (request, previous) => {
      requests.push({ request, previous });
      return !refuse.has(request.address);
    },
    markQueued: async (...args) => {
      marked.push(args);
    },
    confirm: async (token) =>
      token === 'good' ? { partnerId: 'contoso', address: 'ada@example.com' } : undefined,
    suppress: async () => {},
  };
  return { registry, requests, marked, asked };
}

function service(registry: ContactRegistry) {
  const queued: EmailMessage[] = [];
  let n = 0;
  const deps: ConfirmationDeps = {
    registry,
    queue: { enqueue: async (message) => void queued.push(message) },
    render: (view) => ({
      subject: 'Confirm',
      text: `${view.partnerId} ${view.link} ${view.expiresAt}`,
      html: '<p>Confirm</p>',
    }),
    linkFor: (token) => `https://example.com/confirm/${token}`,
    rules: { tokenTtlMs: 7 * DAY, resendAfterMs: DAY },
    clock: () => now,
    newToken: () => `token-${++n}`,
    newRequestId: () => `request-${n}`,
  };
  return { service: new ConfirmationService(deps), queued };
}

describe('ConfirmationService.requestDue', () => {
  it('starts a request per new address, queues its link and marks it queued', async () => {
    const { registry, requests, marked, asked } = recordingRegistry();
    const { service: confirmations, queued } = service(registry);
    expect(await confirmations.requestDue(profileWith([' Ada@Example.com ', 'ada@example.com']))).toBe(1);
    expect(asked).toEqual([
      ['records', 'contoso'],
      ['suppressed', ['ada@example.com']],
    ]);
    expect(requests).toEqual([
      {
        request: {
          partnerId: 'contoso',
          address: 'ada@example.com',
          requestId: 'request-1',
          token: 'token-1',
          requestedAt: now,
          expiresAt: new Date(now.getTime() + 7 * DAY),
        },
        previous: undefined,
      },
    ]);
    expect(queued).toEqual([
      {
        version: 1,
        key: { type: 'confirmation', partnerId: 'contoso', requestId: 'request-1' },
        to: ['ada@example.com'],
        subject: 'Confirm',
        text: 'contoso https://example.com/confirm/token-1 2026-12-02T10:00:00.000Z',
        html: '<p>Confirm</p>',
        tags: { notification: 'contact-confirmation' },
        queuedAt: now.toISOString(),
      },
    ]);
    expect(marked).toEqual([['contoso', 'ada@example.com', 'request-1', now]]);
  });

  it('passes the record it read to the request, and skips confirmed, suppressed and recently asked addresses', async () => {
    const pending: ContactRecord = {
      address: 'old@example.com',
      status: 'pending',
      requestId: 'request-0',
      queuedAt: new Date(now.getTime() - DAY).toISOString(),
    };
    const records = new Map<string, ContactRecord>([
      ['old@example.com', pending],
      [
        'recent@example.com',
        { address: 'recent@example.com', status: 'pending', queuedAt: now.toISOString() },
      ],
      ['done@example.com', { address: 'done@example.com', status: 'confirmed' }],
    ]);
    const { registry, requests } = recordingRegistry(records, new Set(['gone@example.com']));
    const { service: confirmations, queued } = service(registry);
    const profile = profileWith(
      ['old@example.com', 'recent@example.com'],
      ['done@example.com', 'gone@example.com'],
    );
    expect(await confirmations.requestDue(profile)).toBe(1);
    expect(requests.map((r) => [r.request.address, r.previous])).toEqual([['old@example.com', pending]]);
    expect(queued.map((m) => m.to)).toEqual([['old@example.com']]);
  });

  it('queues nothing and marks nothing for an address another request got to first', async () => {
    const { registry, marked } = recordingRegistry(new Map(), new Set(), new Set(['b@example.com']));
    const { service: confirmations, queued } = service(registry);
    expect(await confirmations.requestDue(profileWith(['a@example.com', 'b@example.com']))).toBe(1);
    expect(queued.map((m) => m.to)).toEqual([['a@example.com']]);
    expect(marked.map((m) => m[1])).toEqual(['a@example.com']);
  });

  it('counts every address of a large profile, written ten at a time', async () => {
    const { registry, requests } = recordingRegistry();
    const { service: confirmations, queued } = service(registry);
    const emails = Array.from({ length: 25 }, (_, i) => `c${i}@example.com`);
    expect(await confirmations.requestDue(profileWith(emails.slice(0, 10), emails.slice(10)))).toBe(25);
    expect(requests.map((r) => r.request.address)).toEqual(emails);
    expect(queued).toHaveLength(25);
  });

  it('reads nothing for a profile without contacts', async () => {
    const { registry, asked } = recordingRegistry();
    expect(await service(registry).service.requestDue(emptyProfile('contoso'))).toBe(0);
    expect(asked).toEqual([]);
  });
});

describe('confirmAddress and profileView', () => {
  it('confirms the address of a valid link, and refuses any other as not valid', async () => {
    const { registry } = recordingRegistry();
    expect(await confirmAddress(registry, 'good', now)).toEqual({
      partnerId: 'contoso',
      address: 'ada@example.com',
    });
    await expect(confirmAddress(registry, 'bad', now)).rejects.toBeInstanceOf(ConfirmationLinkInvalidError);
  });

  it('shows each contact with its address status, whatever the case it was typed in', async () => {
    const records = new Map<string, ContactRecord>([
      ['ada@example.com', { address: 'ada@example.com', status: 'confirmed' }],
      ['bob@example.com', { address: 'bob@example.com', status: 'pending' }],
    ]);
    const { registry, asked } = recordingRegistry(records, new Set(['eve@example.com']));
    const view = await profileView(
      registry,
      profileWith(['Ada@Example.com', 'bob@example.com'], ['eve@example.com', 'new@example.com']),
    );
    expect(view.locations.flatMap((l) => l.contacts.map((c) => [c.email, c.status]))).toEqual([
      ['Ada@Example.com', 'confirmed'],
      ['bob@example.com', 'pending'],
      ['eve@example.com', 'suppressed'],
      ['new@example.com', 'pending'],
    ]);
    expect(asked).toEqual([
      ['records', 'contoso'],
      [
        'suppressed',
        ['ada@example.com', 'bob@example.com', 'eve@example.com', 'new@example.com'].map(normalizeAddress),
      ],
    ]);
    const empty = recordingRegistry();
    expect(await profileView(empty.registry, emptyProfile('contoso'))).toEqual({
      ...emptyProfile('contoso'),
      locations: [],
    });
    expect(empty.asked).toEqual([]);
  });
});

describe('InsightsService', () => {
  it('reads the aggregates of the months asked for and reports them as of the clock', async () => {
    const reads: Array<[string, string[]]> = [];
    const october: Tally = { counts: { [figure.count('customer-inquiry', 'received')]: 2 }, money: {} };
    const insights = new InsightsService(
      {
        read: async (partnerId, months) => {
          reads.push([partnerId, months]);
          return { partner: new Map([['2026-10', october]]), platform: october };
        },
      },
      () => now,
    );
    const report = await insights.report('contoso', {});
    expect(reads).toEqual([['contoso', ['2026-09', '2026-10', '2026-11']]]);
    expect(report).toMatchObject({
      partnerId: 'contoso',
      from: '2026-09',
      to: '2026-11',
      asOf: now.toISOString(),
    });
    expect(report.leads.received).toBe(2);
    expect(
      (await insights.report('contoso', { from: '2026-01', to: '2026-02' })).months.map((m) => m.month),
    ).toEqual(['2026-01', '2026-02']);
    await expect(insights.report('contoso', { from: '2026-12', to: '2026-11' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
  });
});
