/** The CDK app: the stateful and stateless stacks, checked by cdk-nag's AwsSolutions pack on every synth. */
import { App } from 'aws-cdk-lib';
import { definePartnerReferrals } from '../lib/partner-referrals.js';

const app = new App();
definePartnerReferrals(app, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
