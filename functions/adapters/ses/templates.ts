/**
 * The emails (SPEC §6), as Mustache templates: HTML bodies escape every value, text bodies keep
 * them as typed, subjects are one line and carry no text a sender or customer wrote (only lead
 * ids, partner ids and dates), so nobody can make the platform's subject line say something.
 * Every lead email names the lead (id, customer company, need) and says what the reader can do next.
 */
import Mustache from 'mustache';
import type { ConfirmationEmailView } from '../../domain/confirmation-service.js';
import type { Lead } from '../../domain/lead.js';
import type { EmailContent } from '../../domain/notification-service.js';
import type { NotificationKind } from '../../domain/notifications.js';

export type { EmailContent };

export interface TemplateLinks {
  /** Where a declined customer picks another partner (CHOOSE_PARTNER_URL). */
  choosePartnerUrl: string;
  /** The partner console; a lead's page is `<url>/<leadId>` (PARTNER_CONSOLE_URL). */
  partnerConsoleUrl: string;
}

interface Template {
  subject: string;
  text: string;
  html: string;
}

const leadFacts = {
  text: `Lead: {{id}}
Customer: {{company}}
Need: {{need}}`,
  html: `<table role="presentation">
<tr><th align="left">Lead</th><td>{{id}}</td></tr>
<tr><th align="left">Customer</th><td>{{company}}</td></tr>
<tr><th align="left">Need</th><td>{{need}}</td></tr>
</table>`,
};

const templates: Record<NotificationKind, Template> = {
  'lead-received': {
    subject:
      '{{#urgent}}Urgent: {{/urgent}}New lead {{id}} for {{partnerId}}{{#urgent}} (contact requested){{/urgent}}',
    text: `A new lead has arrived for {{partnerId}}.
{{#urgent}}
The customer asked to be contacted directly: reach out now.
{{/urgent}}

${leadFacts.text}
Received: {{receivedAt}}

Accept or decline it before {{respondBy}}, or it expires:
{{leadUrl}}
`,
    html: `<p>A new lead has arrived for <strong>{{partnerId}}</strong>.</p>
{{#urgent}}<p><strong>The customer asked to be contacted directly: reach out now.</strong></p>{{/urgent}}
${leadFacts.html}
<p>Accept or decline it before <strong>{{respondBy}}</strong>, or it expires.</p>
<p><a href="{{leadUrl}}">Open the lead</a></p>`,
  },
  'lead-reminder': {
    subject: 'Reminder: lead {{id}} for {{partnerId}} expires {{respondBy}}',
    text: `This lead for {{partnerId}} is still unanswered.

${leadFacts.text}

Accept or decline it before {{respondBy}}, or it expires and the sender is told you did not answer:
{{leadUrl}}
`,
    html: `<p>This lead for <strong>{{partnerId}}</strong> is still unanswered.</p>
${leadFacts.html}
<p>Accept or decline it before <strong>{{respondBy}}</strong>, or it expires and the sender is told you did not answer.</p>
<p><a href="{{leadUrl}}">Open the lead</a></p>`,
  },
  'lead-declined': {
    subject: 'Your request {{id}}: please choose another partner',
    text: `Hello {{contactName}},

The partner you contacted about "{{need}}" cannot take on your request.
You can choose another partner here:
{{choosePartnerUrl}}

Reference: {{id}} ({{company}})
`,
    html: `<p>Hello {{contactName}},</p>
<p>The partner you contacted about <strong>{{need}}</strong> cannot take on your request.</p>
<p><a href="{{choosePartnerUrl}}">Choose another partner</a></p>
<p>Reference: {{id}} ({{company}})</p>`,
  },
  'lead-expired': {
    subject: 'Lead {{id}} expired: {{partnerId}} did not answer',
    text: `The partner {{partnerId}} did not answer this lead within its response window, so it has expired.

${leadFacts.text}
Your reference: {{externalId}}
Sent: {{receivedAt}}
Expired: {{respondBy}}

You can send the customer's request to another partner.
`,
    html: `<p>The partner <strong>{{partnerId}}</strong> did not answer this lead within its response window, so it has expired.</p>
${leadFacts.html}
<p>Your reference: {{externalId}}<br>Sent: {{receivedAt}}<br>Expired: {{respondBy}}</p>
<p>You can send the customer's request to another partner.</p>`,
  },
};

/** Nothing from a lead may break a line: subjects end up in a header (U+2028/U+2029 break lines too). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: it finds control characters to replace them (\p{Cc} spelled out: see oneLineText in functions/domain/lead.ts)
const oneLine = (value: string) => value.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/gu, ' ').trim();

/** The longest subject we send, in UTF-16 code units (what `String.length` counts). */
export const SUBJECT_MAX = 200;
let graphemes: Intl.Segmenter | undefined;

/**
 * `text` cut to at most `max` UTF-16 units, only between grapheme clusters: never half a surrogate
 * pair (which SES would reject or show as U+FFFD), never a letter without its accent or a flag
 * without its second half.
 */
export function cutAtGrapheme(text: string, max: number): string {
  if (text.length <= max) return text;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (end + segment.length > max) break;
    end += segment.length;
  }
  return text.slice(0, end);
}
const asIs = (value: unknown) => String(value);

export function renderEmail(kind: NotificationKind, lead: Lead, links: TemplateLinks): EmailContent {
  const view = {
    id: lead.id,
    partnerId: lead.partnerId,
    company: lead.customer.companyName,
    contactName: lead.customer.contactName,
    need: lead.need.title,
    externalId: lead.externalId ?? '-',
    receivedAt: lead.receivedAt,
    respondBy: lead.respondBy,
    urgent: lead.contactRequested,
    leadUrl: `${links.partnerConsoleUrl.replace(/\/$/, '')}/${encodeURIComponent(lead.id)}`,
    choosePartnerUrl: links.choosePartnerUrl,
  };
  const template = templates[kind];
  return {
    subject: cutAtGrapheme(
      oneLine(Mustache.render(template.subject, view, {}, { escape: asIs })),
      SUBJECT_MAX,
    ),
    text: Mustache.render(template.text, view, {}, { escape: asIs }),
    html: `<!doctype html><html><body>${Mustache.render(template.html, view)}</body></html>`,
  };
}

const confirmation: Template = {
  subject: 'Confirm your address for lead alerts from {{partnerId}}',
  text: `The partner {{partnerId}} added this address to receive new-lead alerts and reminders from Partner Referrals.

Confirm it by opening this link (valid until {{expiresAt}}):
{{link}}

Until it is confirmed, this address receives nothing else from us. If you did not expect this email, ignore it.
`,
  html: `<p>The partner <strong>{{partnerId}}</strong> added this address to receive new-lead alerts and reminders from Partner Referrals.</p>
<p><a href="{{link}}">Confirm this address</a> (the link works until {{expiresAt}}).</p>
<p>Until it is confirmed, this address receives nothing else from us. If you did not expect this email, ignore it.</p>`,
};

/** The email that asks a new profile contact to confirm its address. */
export function renderConfirmation(view: ConfirmationEmailView): EmailContent {
  return {
    subject: cutAtGrapheme(
      oneLine(Mustache.render(confirmation.subject, view, {}, { escape: asIs })),
      SUBJECT_MAX,
    ),
    text: Mustache.render(confirmation.text, view, {}, { escape: asIs }),
    html: `<!doctype html><html><body>${Mustache.render(confirmation.html, view)}</body></html>`,
  };
}

const webhookDisabled: Template = {
  subject: 'Webhook {{id}} was disabled',
  text: `The webhook {{id}} of the partner {{partnerId}} was disabled on {{at}}: {{why}}

Endpoint: {{url}}

Events are no longer sent to it. Fix the endpoint, then enable the webhook again (PATCH /v1/webhooks/{{id}} with "enabled": true) and replay what it missed (POST /v1/webhooks/{{id}}/replay; events are kept 7 days).
`,
  html: `<p>The webhook <strong>{{id}}</strong> of the partner <strong>{{partnerId}}</strong> was disabled on {{at}}: {{why}}</p>
<p>Endpoint: <code>{{url}}</code></p>
<p>Events are no longer sent to it. Fix the endpoint, then enable the webhook again (<code>PATCH /v1/webhooks/{{id}}</code> with <code>"enabled": true</code>) and replay what it missed (<code>POST /v1/webhooks/{{id}}/replay</code>; events are kept 7 days).</p>`,
};

const disabledWhy = {
  gone: 'the endpoint answered 410 Gone.',
  failing: 'every delivery to it has failed for 24 hours.',
} as const;

/** The email that tells a partner's contacts a webhook was disabled (410, or a day of failures). */
export function renderWebhookDisabled(view: {
  id: string;
  partnerId: string;
  url: string;
  reason: keyof typeof disabledWhy;
  at: string;
}): EmailContent {
  const values = { ...view, why: disabledWhy[view.reason] };
  return {
    subject: oneLine(Mustache.render(webhookDisabled.subject, values, {}, { escape: asIs })),
    text: Mustache.render(webhookDisabled.text, values, {}, { escape: asIs }),
    html: `<!doctype html><html><body>${Mustache.render(webhookDisabled.html, values)}</body></html>`,
  };
}
