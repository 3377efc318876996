/**
 * Create and change of a webhook, apart from the other routes' composition root
 * (webhook-composition-root.ts): only these two check an endpoint's address, and the check loads
 * ipaddr.js wherever its module is imported.
 */
import { WebhookRegistration } from '../domain/webhook-registration.js';
import { webhookParts } from './webhook-composition-root.js';
import { allowLocalHttp } from './webhook-config.js';

export const webhookRegistration = new WebhookRegistration({ ...webhookParts, allowLocalHttp });
