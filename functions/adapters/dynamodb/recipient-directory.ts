/** Where the notifier finds its recipients: confirmed profile contacts, registered senders, the suppression list. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { confirmedRecipients } from '../../domain/contacts.js';
import type { Sender } from '../../domain/lead.js';
import type { RecipientDirectory } from '../../domain/notification-service.js';
import type { ContactStore } from './contact-store.js';
import type { ProfileRepository } from './profile-repository.js';
import { SenderDirectory } from './sender-directory.js';

export class DynamoRecipientDirectory implements RecipientDirectory {
  private readonly senders: SenderDirectory;

  constructor(
    db: DynamoDBDocumentClient,
    tableName: string,
    private readonly profiles: ProfileRepository,
    private readonly contacts: ContactStore,
  ) {
    this.senders = new SenderDirectory(db, tableName);
  }

  async alertRecipients(partnerId: string): Promise<string[]> {
    const [profile, records] = await Promise.all([
      this.profiles.get(partnerId),
      this.contacts.records(partnerId),
    ]);
    // Suppression is the notification service's own check, for every kind of email.
    return confirmedRecipients(profile, records, new Set());
  }

  sender(senderId: string): Promise<Sender | undefined> {
    return this.senders.byId(senderId);
  }

  suppressed(addresses: string[]): Promise<Set<string>> {
    return this.contacts.suppressed(addresses);
  }
}
