/**
 * Everything that holds state and must outlive redeploys of the code: the lead table, the Cognito
 * user pool that issues partner and sender tokens, the key that seals list cursors, and the SES
 * identity and configuration set the notifications are sent with.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { tableDefinition } from '../functions/adapters/dynamodb/table-definition.js';
import { PARTNER_ROLES, SENDER_SCOPE } from '../functions/http/auth.js';
import { defaults, mailFromOn } from '../functions/shared/defaults.js';
import { AppFunction } from './constructs/app-function.js';
import { ConsoleHosting } from './constructs/console-hosting.js';
import { pascalCase, stringContext } from './context.js';

const [RESOURCE_SERVER, LEADS_WRITE] = SENDER_SCOPE.split('/') as [string, string];

/** The lead table, the user pool with its app clients, the cursor key, and the SES sending setup. */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly userPool: UserPool;
  /** App client partner users sign in with (SRP, no secret). */
  readonly partnerClient: UserPoolClient;
  /** An example sender system: OAuth client credentials with the leads.write scope. */
  readonly senderClient: UserPoolClient;
  readonly cursorSecret: Secret;
  /** The verified domain notifications are sent from (context `mailDomain`). */
  readonly emailIdentity: EmailIdentity;
  /** Every notification is sent with it: suppression of bounces and complaints, reputation metrics. */
  readonly configurationSet: ConfigurationSet;
  /** The From header of every notification, an address on the verified domain. */
  readonly mailFrom: string;
  /** The partner console's bucket, distribution and hosted UI app client. */
  readonly console: ConsoleHosting;
  /** Cognito's pre-token trigger: its errors alarm is in the stateless stack, beside the topic. */
  readonly preTokenGeneration: AppFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType[tableDefinition.stream],
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection.type === 'INCLUDE'
          ? {
              projectionType: ProjectionType.INCLUDE,
              nonKeyAttributes: [...index.projection.nonKeyAttributes],
            }
          : { projectionType: ProjectionType.ALL }),
      });
    }

    this.userPool = new UserPool(this, 'UserPool', {
      // Essentials is the lowest plan whose pre-token-generation trigger may change access tokens.
      featurePlan: FeaturePlan.ESSENTIALS,
      // Operators create partner users (AdminCreateUser) and put them in a partner and a group.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      customAttributes: {
        // Immutable: a user can never move themself, or be moved, to another partner's leads.
        partner_id: new StringAttribute({ minLen: 2, maxLen: 64, mutable: false }),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // cdk-nag COG8 wants the Plus plan for threat protection (adaptive authentication, compromised
    // credentials). Users here are a few partner admins, created by operators, with MFA required;
    // Essentials already allows the access-token customisation this API needs.
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials plan by design: users are operator-created partner admins with TOTP MFA required and no self sign-up; Plus threat protection is an opt-in cost, not needed for the access-token claim.',
    });

    for (const [i, groupName] of PARTNER_ROLES.entries()) {
      this.userPool.addGroup(`${pascalCase(groupName)}Group`, {
        groupName,
        description: 'Works the leads of its own partner (partner_id attribute).',
        precedence: i,
      });
    }

    const preTokenGeneration = new AppFunction(this, 'PreTokenGeneration', {
      entry: 'functions/pre-token-generation/handler.ts',
      description: 'Copies custom:partner_id into the partner_id claim of ID and access tokens.',
      memorySize: 256,
      timeout: Duration.seconds(5),
    });
    this.preTokenGeneration = preTokenGeneration;
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      preTokenGeneration,
      LambdaVersion.V2_0,
    );

    const leadsWrite = new ResourceServerScope({
      scopeName: LEADS_WRITE,
      scopeDescription: 'Post leads to partners and read the leads this sender posted.',
    });
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Partner referrals API',
      scopes: [leadsWrite],
    });

    this.partnerClient = this.userPool.addClient('PartnerClient', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      // Users may edit their contact details, never custom:partner_id.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true, phoneNumber: true }),
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });

    this.senderClient = this.userPool.addClient('ExampleSenderClient', {
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, leadsWrite)],
      },
      accessTokenValidity: Duration.hours(1),
    });

    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: {
        // Prefixes are global per region; the account id keeps the default unique.
        domainPrefix: stringContext(this, 'authDomainPrefix', `partner-referrals-${this.account}`),
      },
    });

    this.console = new ConsoleHosting(this, 'Console', { userPool: this.userPool, authDomain: domain });

    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Key that seals list cursors (AES-256-GCM, via SHA-256 of this value).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    // cdk-nag SMG4 wants automatic rotation. The value is an internal sealing key, not a credential
    // to another system, and rotating it only turns every outstanding list cursor into a 400.
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Internal cursor-sealing key, not a credential for another system; rotation would only invalidate outstanding list cursors (400 invalid-cursor), so it is rotated by hand if ever exposed.',
    });

    const mailDomain = stringContext(this, 'mailDomain', defaults.MAIL_DOMAIN);
    this.mailFrom = mailFromOn(mailDomain);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: 'partner-referrals',
      // Addresses that bounced or complained are not mailed again: that protects the sending reputation.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    // Easy DKIM on the whole domain; the CNAME records below must be published in its DNS to verify it.
    this.emailIdentity = new EmailIdentity(this, 'EmailIdentity', {
      identity: Identity.domain(mailDomain),
      configurationSet: this.configurationSet,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'PartnerClientId', { value: this.partnerClient.userPoolClientId });
    new CfnOutput(this, 'ExampleSenderClientId', { value: this.senderClient.userPoolClientId });
    new CfnOutput(this, 'TokenEndpoint', { value: `${domain.baseUrl()}/oauth2/token` });
    for (const [i, record] of this.emailIdentity.dkimRecords.entries()) {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `DKIM CNAME ${i + 1} of 3 to publish for ${mailDomain}`,
        value: `${record.name} CNAME ${record.value}`,
      });
    }
  }
}
