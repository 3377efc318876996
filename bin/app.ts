/** The CDK app: the stateful and stateless stacks, checked by cdk-nag's AwsSolutions pack on every synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from '../lib/stateful-stack.js';
import { StatelessStack } from '../lib/stateless-stack.js';

const app = new App();
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };

const stateful = new StatefulStack(app, 'PartnerReferralsStateful', { env });
new StatelessStack(app, 'PartnerReferralsStateless', {
  env,
  table: stateful.table,
  userPool: stateful.userPool,
  clients: [stateful.partnerClient, stateful.senderClient],
  cursorSecret: stateful.cursorSecret,
  emailIdentity: stateful.emailIdentity,
  configurationSet: stateful.configurationSet,
  mailFrom: stateful.mailFrom,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
