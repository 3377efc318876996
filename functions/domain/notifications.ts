/**
 * Which emails a change of a lead calls for (SPEC §6). The table's stream is the outbox: each
 * state change is the event, and this decides, from the old and new images alone, what it means.
 */
import type { Lead } from './lead.js';

export type NotificationKind = 'lead-received' | 'lead-declined' | 'lead-expired' | 'lead-reminder';

export interface Notification {
  kind: NotificationKind;
  lead: Lead;
}

/** What a stream record of a lead item announces; `undefined` for changes nobody is told about. */
export function notificationFor(
  previous: Lead | undefined,
  current: Lead | undefined,
): Notification | undefined {
  if (!current) return undefined;
  if (!previous) return current.stage === 'received' ? { kind: 'lead-received', lead: current } : undefined;
  if (previous.stage === 'received' && current.stage === 'archived') {
    if (current.outcome === 'declined') return { kind: 'lead-declined', lead: current };
    if (current.outcome === 'expired') return { kind: 'lead-expired', lead: current };
  }
  // The reconciler sets remindedAt when the reminder comes due and again (later) until its email is
  // confirmed sent: each new value asks again, and the email's exactly-once marker sends it once.
  if (current.remindedAt && current.remindedAt !== previous.remindedAt && current.stage === 'received') {
    return { kind: 'lead-reminder', lead: current };
  }
  return undefined;
}
