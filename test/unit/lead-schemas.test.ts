/**
 * The lead's field lists in their two modes (`FieldRules` in functions/domain/lead.ts): a stored
 * lead is read back with its shape alone, and the content rules run on inputs. What makes the
 * shape enough is that every lead the domain writes passes the content rules: held here too.
 */
import type * as z from 'zod/mini';
import { erased } from '../../functions/domain/erasure.js';
import {
  type Close,
  type Contact,
  type customerSchema,
  type Deal,
  type Decline,
  type Lead,
  leadSchema,
  type needSchema,
  type Sender,
  validLeadSchema,
} from '../../functions/domain/lead.js';
import { at, commands, deal, received, run } from '../support/leads.js';

// Type-level, checked by `npm run lint` (tsc; ts-jest only transpiles): each must be `true`.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
type Flat<T> = { [K in keyof T]: T[K] };
type _OneLeadTypeInBothModes = [
  Holds<Equal<z.output<typeof leadSchema>, z.output<typeof validLeadSchema>>>,
  Holds<Equal<z.input<typeof leadSchema>, z.input<typeof validLeadSchema>>>,
  // What the input schemas give the domain is what a stored lead holds.
  Holds<Equal<Lead['customer'], z.output<typeof customerSchema>>>,
  Holds<Equal<Lead['need'], z.output<typeof needSchema>>>,
  Holds<Equal<Lead['deal'], Deal | null>>,
  Holds<Equal<Lead['contacts'], Contact[]>>,
  Holds<Equal<Lead['decline'], Decline | null>>,
  Holds<Equal<Lead['closed'], Flat<Close & { at: string }> | null>>,
  Holds<Equal<Lead['sender'], Pick<Sender, 'id' | 'kind' | 'name'>>>,
];

const accepted = run(received(), commands.accept);
const written: Array<[string, Lead]> = [
  ['received', received()],
  [
    'received with every optional field',
    received({
      type: 'sales-qualified',
      customer: {
        companyName: 'Fabrikam Ltd',
        contactName: 'Ana Rossi',
        email: 'ana@fabrikam.example',
        phone: '+39 02 1234',
        country: 'IT',
        companySize: '50-249',
      },
      need: { title: 'ERP', description: 'line one\n\tline two', products: ['Azure', 'Dynamics'] },
      contactRequested: false,
      externalId: 'crm-42',
    }),
  ],
  ['accepted', accepted],
  ['accepted with contacts', run(accepted, commands['add-contacts'])],
  [
    'edited',
    run(accepted, { action: 'edit', deal: { notes: 'call back', crmId: 'CRM-1', campaignId: null } }),
  ],
  [
    'declined for another reason',
    run(received(), { action: 'decline', decline: { reason: 'other', notes: 'x' } }),
  ],
  [
    'won with a final value',
    run(accepted, { action: 'won', close: { notes: 'signed', finalValue: deal.value } }),
  ],
  ['lost', run(accepted, commands.lost)],
  ['expired', run(received(), commands.expire, at(15 * 86_400_000))],
  ['erased', erased(run(accepted, commands.won), '2027-01-01T00:00:00.000Z')],
];

/** The accepted lead as a stored item, with `value` at `path`. */
function storedWith(path: string[], value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(accepted);
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}
const pathsRefused = (schema: z.ZodMiniType, value: unknown) =>
  schema.safeParse(value).error?.issues.map((issue) => issue.path.join('.')) ?? [];

describe('the lead in its two modes', () => {
  it.each(written)('%s: what the domain writes passes every input rule, unchanged', (_, lead) => {
    expect(validLeadSchema.parse(lead)).toStrictEqual(lead);
    expect(leadSchema.parse(lead)).toStrictEqual(lead);
  });

  it.each([
    [['customer', 'email'], 'not-an-address'],
    [['customer', 'phone'], 'call me'],
    [['customer', 'country'], 'Italy'],
    [['need', 'title'], 'x'.repeat(201)],
    [['need', 'title'], 'bell\u0007'],
    [['need', 'products'], Array.from({ length: 21 }, () => 'Azure')],
    [['deal', 'value', 'currency'], 'XYZ'],
    [['deal', 'value', 'amount'], -1],
    [['deal', 'estimatedCloseDate'], '31/03/2027'],
    [['receivedAt'], 'yesterday'],
    [['id'], 'not-a-ulid'],
    [['partnerId'], 'Not A Slug'],
    [['sender', 'name'], ''],
    [['decline'], { reason: 'other' }],
  ])('reads back content the input rules refuse (%j): it was checked on the way in', (path, value) => {
    const item = storedWith(path, value);
    expect(leadSchema.parse(item)).toStrictEqual(item);
    expect(pathsRefused(validLeadSchema, item).length).toBeGreaterThan(0);
  });

  it('reads text back as stored: the input rules trim, a read rewrites nothing', () => {
    const item = storedWith(['customer', 'companyName'], '  Fabrikam  ');
    expect(leadSchema.parse(item)).toMatchObject({ customer: { companyName: '  Fabrikam  ' } });
    expect(validLeadSchema.parse(item)).toMatchObject({ customer: { companyName: 'Fabrikam' } });
  });

  it.each([
    [['customer', 'companyName'], 42],
    [['stage'], 'lost'],
    [['outcome'], 'maybe'],
    [['type'], 'cold-call'],
    [['sender', 'kind'], 'robot'],
    [['deal'], undefined],
    [['deal', 'value', 'amount'], '10'],
    [['contacts'], {}],
    [['contacts', '0'], { name: 'Luca' }],
    [['decline'], { reason: 'bored' }],
    [['closed'], { at: 5 }],
    [['archivedAt'], undefined],
    [['version'], 1.5],
    [['history', '0', 'action'], 'fly'],
    [['favoritedBy'], 'u1'],
    [['remindAt'], 5],
  ])('refuses a stored lead of the wrong shape (%j)', (path, value) => {
    const refused = pathsRefused(leadSchema, storedWith(path, value));
    expect(refused.length).toBeGreaterThan(0);
    for (const at of refused) expect(`${at}.`.startsWith(`${path.join('.')}.`)).toBe(true);
  });

  it('drops unknown attributes when reading; inputs refuse them', () => {
    const item = { ...storedWith(['customer', 'fax'], '1'), pk: 'LEAD#x', gsi1pk: 'P#contoso' };
    expect(leadSchema.parse(item)).toStrictEqual(accepted);
    expect(pathsRefused(validLeadSchema, item)).toEqual(['customer']);
  });
});
