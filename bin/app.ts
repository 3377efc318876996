/** The CDK app: the stateful and stateless stacks, checked by cdk-nag's AwsSolutions pack on every synth. */
import { App } from 'aws-cdk-lib';
import { ConfigurationError } from '../lib/context.js';
import { definePartnerReferrals } from '../lib/partner-referrals.js';

const app = new App();
try {
  definePartnerReferrals(app, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  // Missing configuration is the operator's to fix: say what, in one line, without a stack trace.
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(`cdk: ${error.message}`);
  process.exit(1);
}
