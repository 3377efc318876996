/** The whole system on a CDK app: both stacks wired together and cdk-nag's AwsSolutions pack. */
import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export function definePartnerReferrals(app: App, options: { env?: Environment; prefix?: string } = {}) {
  const { env, prefix = 'PartnerReferrals' } = options;
  const stateful = new StatefulStack(app, `${prefix}Stateful`, { ...(env ? { env } : {}) });
  const stateless = new StatelessStack(app, `${prefix}Stateless`, {
    ...(env ? { env } : {}),
    table: stateful.table,
    userPool: stateful.userPool,
    clients: [stateful.partnerClient, stateful.senderClient],
    cursorSecret: stateful.cursorSecret,
    emailIdentity: stateful.emailIdentity,
    configurationSet: stateful.configurationSet,
    mailFrom: stateful.mailFrom,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}
