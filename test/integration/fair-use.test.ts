/**
 * Fair use on the local runtime: global-setup starts `main` with a tiny limit for one partner
 * (FAIR_USE_OVERRIDES=partner:fair-use-probe=3 per PT1M window), so its fourth request of a
 * window answers 429 with Retry-After while every other partner goes on.
 */
import { get, partner, uniquePartner } from './helpers.js';

const PROBE = 'fair-use-probe';
const LIMIT = 3;

describe('fair use', () => {
  it('answers 429 problem+json with Retry-After once a partner has used its window, and no one else notices', async () => {
    const token = await partner(PROBE);
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof get>> | undefined;
    // A burst may straddle two windows: within 2 x limit + 1 requests one window must fill.
    for (let i = 0; i < 2 * LIMIT + 1 && !refused; i++) {
      const reply = await get('/v1/leads', { token });
      statuses.push(reply.status);
      if (reply.status === 429) refused = reply;
    }
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(refused).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(LIMIT);
    expect(refused!.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused!.body).toMatchObject({ status: 429, code: 'too-many-requests' });

    // Still refused within the window; another partner is served meanwhile.
    expect((await get('/v1/leads', { token })).status).toBe(429);
    expect((await get('/v1/leads', { token: await partner(uniquePartner()) })).status).toBe(200);
  });
});
