import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { handler } from '../../functions/pre-token-generation/handler.js';

const event = (attributes: Record<string, string>) =>
  ({
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    request: {
      userAttributes: attributes,
      groupConfiguration: { groupsToOverride: ['referrals-admin'] },
      scopes: [],
    },
    response: { claimsAndScopeOverrideDetails: null },
  }) as unknown as PreTokenGenerationV2TriggerEvent;

describe('pre-token-generation', () => {
  it("copies the user's partner into the partner_id claim of both tokens", async () => {
    const result = await handler(event({ sub: 'u1', 'custom:partner_id': 'contoso' }));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { partner_id: 'contoso' } },
      accessTokenGeneration: { claimsToAddOrOverride: { partner_id: 'contoso' } },
    });
  });

  it('adds nothing for a user without a partner, so the API answers 403', async () => {
    const result = await handler(event({ sub: 'u2' }));
    expect(result.response.claimsAndScopeOverrideDetails).toBeNull();
  });
});
