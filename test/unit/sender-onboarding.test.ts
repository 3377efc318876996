/**
 * Sender onboarding: on AWS a Cognito app client that can only mint sender tokens, linked to the
 * sender in the directory; locally the sender's id is its client id. Cognito and DynamoDB mocked.
 */
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SenderDirectory } from '../../functions/adapters/dynamodb/sender-directory.js';
import { SENDER_SCOPE } from '../../functions/http/auth.js';
import { registerLocally, registerOnAws, type SenderInput } from '../../scripts/sender-onboarding.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
const acme: SenderInput = {
  id: 'acme-leads',
  kind: 'partner',
  name: 'Acme Leads',
  notificationEmail: 'ops@acme.example',
};
const directory = () =>
  new SenderDirectory(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), 'leads');

beforeEach(() => {
  cognito.reset();
  ddb.reset();
  ddb.on(UpdateCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => ({
    Attributes: {
      id: input.ExpressionAttributeValues[':id'],
      kind: input.ExpressionAttributeValues[':kind'],
      name: input.ExpressionAttributeValues[':name'],
      notificationEmail: input.ExpressionAttributeValues[':email'],
      registeredAt: '2026-12-04T20:00:00.000Z',
    },
  }));
});

describe('registering a sender on AWS', () => {
  it('makes an app client limited to client credentials and the sender scope, and links it to the sender', async () => {
    cognito
      .on(CreateUserPoolClientCommand)
      .resolves({ UserPoolClient: { ClientId: 'abc123', ClientSecret: 's3cret' } });
    const result = await registerOnAws(acme, {
      cognito: new CognitoIdentityProviderClient({}),
      userPoolId: 'eu-west-1_X',
      directory: directory(),
    });

    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolClientCommand, {
      UserPoolId: 'eu-west-1_X',
      ClientName: 'sender-acme-leads',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [SENDER_SCOPE],
      ExplicitAuthFlows: [],
    });
    // The sender item, then the link from the new client id to it.
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { Key: { pk: 'SENDER#acme-leads', sk: 'SENDER' } });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({
        pk: 'CLIENT#abc123',
        sk: 'SENDER',
        id: 'acme-leads',
        clientId: 'abc123',
      }),
    });
    expect(result).toMatchObject({
      clientId: 'abc123',
      clientSecret: 's3cret',
      sender: { id: 'acme-leads', kind: 'partner' },
    });
  });

  it('links an existing app client only if it may mint sender tokens', async () => {
    cognito
      .on(DescribeUserPoolClientCommand, { ClientId: 'good' })
      .resolves({ UserPoolClient: { AllowedOAuthScopes: [SENDER_SCOPE] } });
    cognito
      .on(DescribeUserPoolClientCommand, { ClientId: 'partner-app' })
      .resolves({ UserPoolClient: { AllowedOAuthScopes: ['openid'] } });
    const deps = {
      cognito: new CognitoIdentityProviderClient({}),
      userPoolId: 'eu-west-1_X',
      directory: directory(),
    };

    expect(await registerOnAws(acme, { ...deps, clientId: 'good' })).toMatchObject({ clientId: 'good' });
    expect(cognito).toHaveReceivedCommandTimes(CreateUserPoolClientCommand, 0);
    await expect(registerOnAws(acme, { ...deps, clientId: 'partner-app' })).rejects.toThrow(
      /not allowed the scope/,
    );
  });

  it('refuses a malformed sender before touching Cognito', async () => {
    const deps = {
      cognito: new CognitoIdentityProviderClient({}),
      userPoolId: 'eu-west-1_X',
      directory: directory(),
    };
    await expect(registerOnAws({ ...acme, id: 'Acme Leads' }, deps)).rejects.toThrow();
    await expect(registerOnAws({ ...acme, notificationEmail: 'nope' }, deps)).rejects.toThrow();
    expect(cognito).toHaveReceivedCommandTimes(CreateUserPoolClientCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });
});

describe('registering a sender locally', () => {
  it('links the sender id as its client id (the local token tool signs it so)', async () => {
    const result = await registerLocally(acme, directory());
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      Item: expect.objectContaining({ pk: 'CLIENT#acme-leads' }),
    });
    expect(result).toMatchObject({ clientId: 'acme-leads', sender: { id: 'acme-leads' } });
    expect(result).not.toHaveProperty('clientSecret');
  });
});
