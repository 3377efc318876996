/**
 * The partner's business profile (SPEC §7): what it does and where, and the contacts of each
 * location who receive lead alerts and reminders.
 */
import * as z from 'zod';
import { type ContactStatus, contactStatusSchema } from './contacts.js';
import { distinctKeywords, normalizeKeyword } from './keywords.js';
import { companySizes, contactSchema, oneLineText } from './lead.js';
import { lazySchema, pureSchema } from './schema-building.js';

/** Bytes a keyword may take once normalised, as the search card and every index item store it. */
export const MAX_NORMALIZED_KEYWORD_BYTES = 240;
const utf8 = /* @__PURE__ */ new TextEncoder();
// Normalising (NFKD) can multiply a keyword's length by 18 (U+FDFA), and every index item of the
// partner stores all its keywords: 60 characters alone would not bound what a profile save writes.
const keyword = /* @__PURE__ */ pureSchema(() =>
  oneLineText(60).refine(
    (k) => utf8.encode(normalizeKeyword(k)).length <= MAX_NORMALIZED_KEYWORD_BYTES,
    `must stay within ${MAX_NORMALIZED_KEYWORD_BYTES} bytes once normalised (case, accents and spacing)`,
  ),
);

export const locationSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    name: oneLineText(120),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
    city: oneLineText(120).optional(),
    contacts: z
      .array(contactSchema.pick({ name: true, email: true }))
      .min(1)
      .max(10),
  }),
);

export const profileInputSchema = /* @__PURE__ */ pureSchema(() =>
  z
    .strictObject({
      companyName: oneLineText(200)
        .optional()
        .meta({ description: 'Shown in partner search; required to be listed.' }),
      description: oneLineText(500)
        .optional()
        .meta({ description: 'A short description, shown in partner search.' }),
      listed: z
        .boolean()
        .default(true)
        .meta({ description: 'Whether the partner appears in partner search.' }),
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
    .meta({ id: 'ProfileInput' }),
);
export type ProfileInput = z.infer<typeof profileInputSchema>;

/** The profile as stored. */
export const profileSchema = /* @__PURE__ */ pureSchema(() =>
  profileInputSchema.extend({
    partnerId: z.string(),
    version: z.number().int().meta({ description: '0 until the profile is first saved.' }),
    updatedAt: z.iso.datetime().nullable(),
  }),
);
export type Profile = z.infer<typeof profileSchema>;

/** The profile as the API shows it: each contact with the confirmation status of its address (SPEC §6). */
export const profileViewSchema = /* @__PURE__ */ lazySchema(() =>
  profileSchema
    .extend({
      locations: z.array(
        locationSchema.extend({
          contacts: z.array(
            contactSchema.pick({ name: true, email: true }).extend({ status: contactStatusSchema }),
          ),
        }),
      ),
    })
    .meta({ id: 'Profile' }),
);
export type ProfileView = z.infer<ReturnType<typeof profileViewSchema>>;

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

/** The profile with the status of each contact's address. */
export const withContactStatus = (
  profile: Profile,
  status: (address: string) => ContactStatus,
): ProfileView => ({
  ...profile,
  locations: profile.locations.map((location) => ({
    ...location,
    contacts: location.contacts.map((contact) => ({ ...contact, status: status(contact.email) })),
  })),
});
