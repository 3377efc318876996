/**
 * Onboarding a sender system (SPEC §11): its client credentials, then its registration in the sender
 * directory, linked to the client id its tokens carry. On AWS the credentials are a new Cognito app
 * client of the stack's user pool (client-credentials flow, the sender scope only); locally there
 * are none to make: the local token tool signs a sender's token with its id as client id.
 */
import {
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod/mini';
import type { SenderDirectory } from '../functions/adapters/dynamodb/sender-directory.js';
import { type Sender, senderSchema } from '../functions/domain/lead.js';
import { SENDER_SCOPE } from '../functions/http/auth.js';

/** What an operator types: the sender's directory entry (SPEC §2). */
export const senderInputSchema = z.omit(senderSchema, { registeredAt: true });
export type SenderInput = Omit<Sender, 'registeredAt'>;

export interface Registered {
  sender: Sender;
  clientId: string;
  /** Only when a new Cognito app client was made: shown once, never stored by the platform. */
  clientSecret?: string;
}

/** The app client name of a sender: unique per sender, readable in the Cognito console. */
export const appClientName = (senderId: string) => `sender-${senderId}`;

/** Sender tokens live an hour, as the stack's example sender client's do. */
const ACCESS_TOKEN_MINUTES = 60;

/**
 * Makes a Cognito app client that can only mint sender tokens (client credentials, the sender
 * scope), or reuses one an operator names; the sender directory then maps it to the sender.
 */
export async function registerOnAws(
  input: SenderInput,
  deps: {
    cognito: CognitoIdentityProviderClient;
    userPoolId: string;
    directory: Pick<SenderDirectory, 'register'>;
    /** An existing app client to link instead of making a new one (a second client, or a rerun). */
    clientId?: string;
  },
): Promise<Registered> {
  const sender = senderInputSchema.parse(input);
  let clientId = deps.clientId;
  let clientSecret: string | undefined;
  if (clientId) {
    // Refuse to link a client that cannot mint sender tokens: its callers would only meet 401s.
    const { UserPoolClient } = await deps.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: deps.userPoolId, ClientId: clientId }),
    );
    if (!UserPoolClient?.AllowedOAuthScopes?.includes(SENDER_SCOPE))
      throw new Error(`app client ${clientId} is not allowed the scope ${SENDER_SCOPE}`);
  } else {
    const { UserPoolClient } = await deps.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: deps.userPoolId,
        ClientName: appClientName(sender.id),
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [SENDER_SCOPE],
        // No user sign-in of any kind: this client only exchanges its secret for a sender token.
        ExplicitAuthFlows: [],
        AccessTokenValidity: ACCESS_TOKEN_MINUTES,
        TokenValidityUnits: { AccessToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      }),
    );
    if (!UserPoolClient?.ClientId) throw new Error('Cognito made no app client');
    clientId = UserPoolClient.ClientId;
    clientSecret = UserPoolClient.ClientSecret;
  }
  const registered = await deps.directory.register(sender, clientId);
  return { sender: registered, clientId, ...(clientSecret ? { clientSecret } : {}) };
}

/** Locally a sender's client id is its sender id (local/claims.ts), so registering is all there is. */
export async function registerLocally(
  input: SenderInput,
  directory: Pick<SenderDirectory, 'register'>,
): Promise<Registered> {
  const sender = senderInputSchema.parse(input);
  return { sender: await directory.register(sender, sender.id), clientId: sender.id };
}
