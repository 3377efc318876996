/** If-Match as HTTP defines it: a list matches any of its ETags; `*` needs the resource to exist. */
import {
  acceptBody,
  call,
  expectProblem,
  leadBody,
  type PartnerLead,
  partner,
  post,
  sender,
  uniquePartner,
} from './helpers.js';

describe('If-Match', () => {
  it('a list of ETags matches when any of them is current', async () => {
    const partnerId = uniquePartner();
    const posted = await post<PartnerLead>('/v1/leads', leadBody(partnerId), { token: await sender() });
    const token = await partner(partnerId);
    const stale = await post(`/v1/leads/${posted.body.id}/accept`, acceptBody(), {
      token,
      headers: { 'if-match': '"7", "8"' },
    });
    expectProblem(stale, 412, 'precondition-failed');
    const weak = await post(`/v1/leads/${posted.body.id}/accept`, acceptBody(), {
      token,
      headers: { 'if-match': 'W/"1"' },
    });
    expectProblem(weak, 412, 'precondition-failed');
    const listed = await post<PartnerLead>(`/v1/leads/${posted.body.id}/accept`, acceptBody(), {
      token,
      headers: { 'if-match': '"7", "1"' },
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('etag')).toBe('"2"');
  });

  it('If-Match: * on a profile that was never saved is refused; after a save it passes', async () => {
    const token = await partner(uniquePartner());
    const body = { keywords: ['erp'] };
    const first = await call('PUT', '/v1/profile', { token, body, headers: { 'if-match': '*' } });
    expectProblem(first, 412, 'precondition-failed');
    expect((await call('PUT', '/v1/profile', { token, body, headers: { 'if-match': '"0"' } })).status).toBe(
      200,
    );
    const again = await call('PUT', '/v1/profile', { token, body, headers: { 'if-match': '*' } });
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe('"2"');
  });
});
