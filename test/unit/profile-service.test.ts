/** The profile use cases against an in-memory ProfileStore: the domain, without DynamoDB. */
import type { ProfileStore } from '../../functions/domain/ports.js';
import type { Profile, ProfileInput } from '../../functions/domain/profile.js';
import { ProfileService } from '../../functions/domain/profile-service.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const input: ProfileInput = {
  listed: true,
  keywords: ['azure'],
  companySizes: [],
  industries: [],
  locations: [],
};

function memoryStore() {
  const saved = new Map<string, Profile>();
  const puts: Array<{ partnerId: string; now: Date; ifMatch: number[] | 'any' | undefined }> = [];
  const store: ProfileStore = {
    get: async (partnerId) => saved.get(partnerId),
    put: async (partnerId, profile, at, ifMatch) => {
      puts.push({ partnerId, now: at, ifMatch });
      const version = (saved.get(partnerId)?.version ?? 0) + 1;
      const stored = { ...profile, partnerId, version, updatedAt: at.toISOString() };
      saved.set(partnerId, stored);
      return stored;
    },
  };
  return { store, puts };
}

describe('ProfileService', () => {
  it('reads a profile never saved as empty, version 0', async () => {
    const profiles = new ProfileService(memoryStore().store, () => now);
    expect(await profiles.get('contoso')).toEqual({
      partnerId: 'contoso',
      listed: true,
      keywords: [],
      companySizes: [],
      industries: [],
      locations: [],
      version: 0,
      updatedAt: null,
    });
  });

  it('replaces a profile at the clock, passing If-Match through to the store', async () => {
    const { store, puts } = memoryStore();
    const profiles = new ProfileService(store, () => now);
    const saved = await profiles.replace('contoso', input, [0]);
    expect(puts).toEqual([{ partnerId: 'contoso', now, ifMatch: [0] }]);
    expect(saved).toMatchObject({ keywords: ['azure'], version: 1, updatedAt: now.toISOString() });
    expect(await profiles.get('contoso')).toEqual(saved);
  });
});
