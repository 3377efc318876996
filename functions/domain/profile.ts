/**
 * The partner's business profile (SPEC §7): what it does and where, and the contacts of each
 * location who receive lead alerts and reminders.
 */
import * as z from 'zod/mini';
import { type ContactStatus, contactStatusSchema } from './contacts.js';
import { distinctKeywords, normalizeKeyword } from './keywords.js';
import { companySizes, contactSchema, oneLineText } from './lead.js';
import { lazySchema, pureSchema, withMeta } from './schema-building.js';

/** Bytes a keyword may take once normalised, as the search card and every index item store it. */
export const MAX_NORMALIZED_KEYWORD_BYTES = 240;
const utf8 = /* @__PURE__ */ new TextEncoder();
// Normalising (NFKD) can multiply a keyword's length by 18 (U+FDFA), and every index item of the
// partner stores all its keywords: 60 characters alone would not bound what a profile save writes.
const keyword = /* @__PURE__ */ pureSchema(() =>
  oneLineText(60).check(
    z.refine(
      (k) => utf8.encode(normalizeKeyword(k)).length <= MAX_NORMALIZED_KEYWORD_BYTES,
      `must stay within ${MAX_NORMALIZED_KEYWORD_BYTES} bytes once normalised (case, accents and spacing)`,
    ),
  ),
);

export const locationSchema = /* @__PURE__ */ pureSchema(() =>
  z.strictObject({
    name: oneLineText(120),
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')),
    city: z.optional(oneLineText(120)),
    contacts: z
      .array(z.pick(contactSchema, { name: true, email: true }))
      .check(z.minLength(1), z.maxLength(10)),
  }),
);

export const profileInputSchema = /* @__PURE__ */ pureSchema(() =>
  withMeta(
    z.strictObject({
      companyName: withMeta(z.optional(oneLineText(200)), {
        description: 'Shown in partner search; required to be listed.',
      }),
      description: withMeta(z.optional(oneLineText(500)), {
        description: 'A short description, shown in partner search.',
      }),
      listed: withMeta(z._default(z.boolean(), true), {
        description: 'Whether the partner appears in partner search.',
      }),
      // One spelling per keyword: matching ignores case, accents and extra spaces anyway.
      keywords: z._default(z.array(keyword).check(z.maxLength(50)), []).check(z.overwrite(distinctKeywords)),
      companySizes: z._default(z.array(z.enum(companySizes)).check(z.maxLength(companySizes.length)), []),
      industries: z._default(z.array(oneLineText(80)).check(z.maxLength(30)), []),
      locations: z._default(z.array(locationSchema).check(z.maxLength(25)), []),
    }),
    { id: 'ProfileInput' },
  ),
);
export type ProfileInput = z.infer<typeof profileInputSchema>;

/** The profile as stored. */
export const profileSchema = /* @__PURE__ */ pureSchema(() =>
  z.extend(profileInputSchema, {
    partnerId: z.string(),
    version: withMeta(z.number().check(z.int()), { description: '0 until the profile is first saved.' }),
    updatedAt: z.nullable(z.iso.datetime()),
  }),
);
export type Profile = z.infer<typeof profileSchema>;

/** The profile as the API shows it: each contact with the confirmation status of its address (SPEC §6). */
export const profileViewSchema = /* @__PURE__ */ lazySchema(() =>
  withMeta(
    z.extend(profileSchema, {
      locations: z.array(
        z.extend(locationSchema, {
          contacts: z.array(
            z.extend(z.pick(contactSchema, { name: true, email: true }), { status: contactStatusSchema }),
          ),
        }),
      ),
    }),
    { id: 'Profile' },
  ),
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
