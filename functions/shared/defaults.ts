/**
 * The default of every setting, in one place: the functions fall back to these at cold start, the
 * stacks when a CDK context value is absent, and `npm start` when the environment names none.
 * Keyed by the environment variable that overrides each.
 */
export const defaults = {
  /** How long a partner has to answer a lead (SPEC §3). */
  LEAD_RESPONSE_WINDOW: 'P14D',
  /** How long a contact request shows as `contact-now`. */
  CONTACT_NOW_WINDOW: 'PT72H',
  /** How long before `respondBy` the unanswered-lead reminder goes out. */
  REMINDER_BEFORE: 'PT48H',
  /** Where a declined customer chooses another partner. */
  CHOOSE_PARTNER_URL: 'https://partner-referrals.example/find-a-partner',
  /** Where a lead's page lives in the partner console (`<url>/<leadId>`). */
  PARTNER_CONSOLE_URL: 'https://partner-referrals.example/leads',
  /** The domain notifications are sent from (CDK context `mailDomain`). */
  MAIL_DOMAIN: 'partner-referrals.example',
} as const;

/** The From header of every notification, an address on the sending domain. */
export const mailFromOn = (domain: string) => `Partner Referrals <no-reply@${domain}>`;
