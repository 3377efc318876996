import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per process. Never log a lead or a request body: they hold customer PII. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'partner-referrals' });
