/**
 * The partner's business profile (SPEC §7): what it does and where, and the contacts of each
 * location who receive lead alerts and reminders.
 */
import * as z from 'zod';
import { distinctKeywords } from './keywords.js';
import { companySizes, contactSchema, oneLineText } from './lead.js';

const keyword = /* @__PURE__ */ oneLineText(60);

export const locationSchema = /* @__PURE__ */ z.strictObject({
  name: oneLineText(120),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  city: oneLineText(120).optional(),
  contacts: z
    .array(contactSchema.pick({ name: true, email: true }))
    .min(1)
    .max(10),
});

export const profileInputSchema = /* @__PURE__ */ z
  .strictObject({
    companyName: oneLineText(200)
      .optional()
      .meta({ description: 'Shown in partner search; required to be listed.' }),
    description: oneLineText(500)
      .optional()
      .meta({ description: 'A short description, shown in partner search.' }),
    listed: z.boolean().default(true).meta({ description: 'Whether the partner appears in partner search.' }),
    keywords: z
      .array(keyword)
      .max(50)
      .default([])
      // One spelling per keyword: matching ignores case, accents and extra spaces anyway.
      .overwrite(distinctKeywords),
    companySizes: z.array(z.enum(companySizes)).max(companySizes.length).default([]),
    industries: z.array(oneLineText(80)).max(30).default([]),
    locations: z.array(locationSchema).max(25).default([]),
  })
  .meta({ id: 'ProfileInput' });
export type ProfileInput = z.infer<typeof profileInputSchema>;

export const profileSchema = /* @__PURE__ */ profileInputSchema
  .extend({
    partnerId: z.string(),
    version: z.number().int().meta({ description: '0 until the profile is first saved.' }),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof profileSchema>;

/** A partner that has not saved a profile yet has an empty one. */
export const emptyProfile = (partnerId: string): Profile => ({
  partnerId,
  listed: true,
  keywords: [],
  companySizes: [],
  industries: [],
  locations: [],
  version: 0,
  updatedAt: null,
});

/** Everyone who receives a partner's lead alerts, once each; at most 50, the most SES takes in one message. */
export const alertRecipients = (profile: Profile | undefined): string[] =>
  [...new Set((profile?.locations ?? []).flatMap((l) => l.contacts.map((c) => c.email.toLowerCase())))].slice(
    0,
    50,
  );
