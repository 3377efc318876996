/**
 * The use cases of the business profile (SPEC §7.1): what the profile routes ask of the domain.
 * It depends on the storage port and a clock, never on AWS.
 */
import type { Clock } from './lead-service.js';
import type { ProfileStore } from './ports.js';
import { emptyProfile, type Profile, type ProfileInput } from './profile.js';

export class ProfileService {
  constructor(
    private readonly store: ProfileStore,
    private readonly clock: Clock,
  ) {}

  /** The partner's profile; one never saved reads as empty, version 0. */
  async get(partnerId: string): Promise<Profile> {
    return (await this.store.get(partnerId)) ?? emptyProfile(partnerId);
  }

  /**
   * Replaces the profile whole. With `ifMatch`, only if it is at one of those versions (0: never
   * saved) or, for `'any'`, only if it was saved before; otherwise 412.
   */
  replace(partnerId: string, input: ProfileInput, ifMatch?: number[] | 'any'): Promise<Profile> {
    return this.store.put(partnerId, input, this.clock(), ifMatch);
  }
}
