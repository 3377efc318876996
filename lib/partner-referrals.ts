/** The whole system on a CDK app: the stacks wired together and cdk-nag's AwsSolutions pack. */
import { type App, type Environment, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConsoleDeployment } from './constructs/console-deployment.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export function definePartnerReferrals(app: App, options: { env?: Environment; prefix?: string } = {}) {
  const { env, prefix = 'PartnerReferrals' } = options;
  const stateful = new StatefulStack(app, `${prefix}Stateful`, { ...(env ? { env } : {}) });
  const stateless = new StatelessStack(app, `${prefix}Stateless`, {
    ...(env ? { env } : {}),
    table: stateful.table,
    userPool: stateful.userPool,
    clients: [stateful.partnerClient, stateful.senderClient, stateful.console.client],
    cursorSecret: stateful.cursorSecret,
    emailIdentity: stateful.emailIdentity,
    configurationSet: stateful.configurationSet,
    mailFrom: stateful.mailFrom,
    consoleOrigin: stateful.console.origin,
    alarmedFunctions: new Map([['pre-token-generation', stateful.preTokenGeneration]]),
  });
  // The console's files and configuration: redeployed with each console build, after the API exists.
  const consoleStack = new Stack(app, `${prefix}Console`, {
    ...(env ? { env } : {}),
    description: 'Partner Referrals console: the built single-page app and its /config.json.',
  });
  new ConsoleDeployment(consoleStack, 'Console', {
    hosting: stateful.console,
    userPool: stateful.userPool,
    apiUrl: stateless.api.apiEndpoint,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless, console: consoleStack };
}
