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
  /** The reconciler leaves leads whose deadline passed less than this ago to TTL. */
  RECONCILE_GRACE: 'PT15M',
  /** An unsettled reminder is asked for again after this. */
  REMINDER_RETRY: 'PT6H',
  /** How long a contact confirmation link works. */
  CONFIRMATION_TTL: 'P7D',
  /** An unconfirmed address is sent a new confirmation link at most this often (per partner). */
  CONFIRMATION_RESEND_AFTER: 'P1D',
  /** Where a declined customer chooses another partner. */
  CHOOSE_PARTNER_URL: 'https://partner-referrals.example/find-a-partner',
  /** Where a lead's page lives in the partner console (`<url>/<leadId>`). */
  PARTNER_CONSOLE_URL: 'https://partner-referrals.example/leads',
  /** The waits between attempts of a webhook delivery (SPEC §9): about a day in all. */
  WEBHOOK_RETRY_SCHEDULE: 'PT5S,PT5M,PT30M,PT2H,PT5H,PT10H,PT10H',
  /** Customer contact data of a lead archived longer ago than this is erased (SPEC §11). */
  PII_RETENTION: 'P2Y',
  /** Fair use (SPEC §11): the window each client's requests are counted in. */
  FAIR_USE_WINDOW: 'PT1M',
  /** Requests per window of one sender (all its clients); 0 is no limit. 20 a second of the stage's 50. */
  FAIR_USE_SENDER_LIMIT: '1200',
  /** Requests per window of one partner (all its users); 0 is no limit. 10 a second of the stage's 50. */
  FAIR_USE_PARTNER_LIMIT: '600',
  /** Per-client limits above or below their kind's: `sender:<id>=<n>,partner:<id>=<n>`. */
  FAIR_USE_OVERRIDES: '',
  /** The domain notifications are sent from (CDK context `mailDomain`). */
  MAIL_DOMAIN: 'partner-referrals.example',
} as const;

/** The From header of every notification, an address on the sending domain. */
export const mailFromOn = (domain: string) => `Partner Referrals <no-reply@${domain}>`;
