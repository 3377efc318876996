import { fromItem, toItem } from '../../functions/adapters/dynamodb/lead-items.js';
import { storageAttributes, tableDefinition } from '../../functions/adapters/dynamodb/table-definition.js';
import { type Lead, leadSchema } from '../../functions/domain/lead.js';
import { commands, received, run } from '../support/leads.js';

const accepted = run(received(), commands.accept);
const leads: Array<[string, Lead]> = [
  ['received', received()],
  ['received and favorited', { ...received(), favoritedBy: ['u1', 'u2'] }],
  ['accepted with contacts', run(accepted, commands['add-contacts'])],
  ['declined', run(received(), commands.decline)],
  ['won', run(accepted, commands.won)],
];

describe('lead items', () => {
  it.each(leads)('%s: reads back as it was written', (_, lead) => {
    expect(fromItem(toItem(lead))).toEqual(lead);
  });

  it.each(leads)('%s: read back, carries no key or index attribute', (_, lead) => {
    const item = toItem(lead);
    const written = Object.keys(item).filter((key) => storageAttributes.has(key));
    // Every index the item is on wrote its keys, and none of them comes back.
    expect(written.length).toBeGreaterThanOrEqual(5);
    for (const key of Object.keys(fromItem(item))) expect(storageAttributes.has(key)).toBe(false);
  });

  it('names no field of a lead like a storage attribute: reading drops them as unknown attributes', () => {
    for (const field of Object.keys(leadSchema.shape)) expect(storageAttributes.has(field)).toBe(false);
  });

  it('knows every key attribute of every index', () => {
    for (const index of tableDefinition.indexes) {
      expect(storageAttributes.has(index.partitionKey)).toBe(true);
      expect(storageAttributes.has(index.sortKey)).toBe(true);
    }
  });

  it('refuses an item that is not a lead rather than passing it on', () => {
    expect(() => fromItem({ ...toItem(received()), stage: 'lost' })).toThrow();
    expect(() => fromItem({ pk: 'LEAD#x', sk: 'TIMER#EXPIRY', entity: 'timer' })).toThrow();
  });
});
