/**
 * Cognito pre-token-generation trigger (event V2_0): copies the user's `custom:partner_id` attribute
 * into a `partner_id` claim of both the ID and the access token, because the HTTP API's JWT
 * authorizer only hands the API the claims of the token it verified, and partners call it with
 * access tokens. Nothing is logged: the event carries the user's attributes.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

const PARTNER_ATTRIBUTE = 'custom:partner_id';
const PARTNER_CLAIM = 'partner_id';

export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const partnerId = event.request.userAttributes[PARTNER_ATTRIBUTE];
  // A user without a partner gets no claim, and the API answers 403 for want of one.
  if (!partnerId) return event;
  const claims = { [PARTNER_CLAIM]: partnerId };
  event.response.claimsAndScopeOverrideDetails = {
    ...event.response.claimsAndScopeOverrideDetails,
    idTokenGeneration: { claimsToAddOrOverride: claims },
    accessTokenGeneration: { claimsToAddOrOverride: claims },
  };
  return event;
};
