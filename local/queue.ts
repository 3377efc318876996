/**
 * A local queue with SQS's semantics, for `npm start` and the tests: a received message is hidden
 * for its visibility timeout (which its consumer may change), counts its receives, and is moved to
 * the dead-letter queue on the receive after `maxReceiveCount`; messages expire after the retention
 * period, counted from when they were first sent (in the dead-letter queue too, as in SQS). With a
 * journal file, every change is appended to it and replayed on start, so mail survives a restart.
 */
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface StoredMessage {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The receipt handle of the latest receive; only it can delete the message or change its visibility. */
  receipt?: string;
  /** The queue a dead-lettered message came from (where a redrive returns it). */
  source?: string;
  /** FIFO queues: the message group and the deduplication id. */
  groupId?: string;
  dedupId?: string;
}

export interface LocalQueueOptions {
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  deadLetter?: { queue: LocalQueue; maxReceiveCount: number };
  /**
   * FIFO: a message group is never in flight twice (its later messages wait until the head is
   * deleted), and a message with a deduplication id seen in the last 5 minutes is accepted but dropped.
   */
  fifo?: boolean;
  /** Append-only journal of changes; absent: in memory only. */
  journal?: string;
  now?: () => number;
}

export class ReceiptHandleIsInvalid extends Error {
  override readonly name = 'ReceiptHandleIsInvalid';
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
/** SQS FIFO drops a message whose deduplication id it saw this recently. */
const DEDUP_WINDOW_MS = 5 * 60_000;

export class LocalQueue {
  private readonly messages = new Map<string, StoredMessage>();
  private readonly receipts = new Map<string, string>();
  private readonly dedup = new Map<string, { at: number; message: StoredMessage }>();
  private readonly now: () => number;

  constructor(
    readonly name: string,
    readonly options: LocalQueueOptions,
  ) {
    this.now = options.now ?? Date.now;
    if (options.journal) this.replay(options.journal);
  }

  get arn(): string {
    return `arn:aws:sqs:us-east-1:000000000000:${this.name}`;
  }

  send(
    body: string,
    options: { delaySeconds?: number; groupId?: string; dedupId?: string } = {},
  ): StoredMessage {
    const now = this.now();
    if (this.options.fifo) {
      if (!options.groupId || !options.dedupId)
        throw new Error('a FIFO queue needs a group and a deduplication id');
      // Oldest first (a key is set once per window): stop at the first one still inside it, so a
      // send costs what expired, not the whole window's worth of keys.
      for (const [dedupId, seen] of this.dedup) {
        if (seen.at + DEDUP_WINDOW_MS > now) break;
        this.dedup.delete(dedupId);
      }
      const seen = this.dedup.get(options.dedupId);
      if (seen) return seen.message;
    }
    const message = this.put({
      id: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      visibleAt: now + (options.delaySeconds ?? 0) * 1000,
      receiveCount: 0,
      ...(options.groupId ? { groupId: options.groupId } : {}),
      ...(options.dedupId ? { dedupId: options.dedupId } : {}),
    });
    if (options.dedupId) this.dedup.set(options.dedupId, { at: now, message });
    return message;
  }

  /** Up to `max` visible messages, oldest first, each hidden for the visibility timeout. */
  receive(max: number, visibilityTimeoutSeconds = this.options.visibilityTimeoutSeconds): StoredMessage[] {
    const now = this.now();
    const out: StoredMessage[] = [];
    // FIFO: a group whose head is in flight (or waiting) offers nothing until that message is gone.
    const held = new Set<string>();
    for (const message of [...this.messages.values()]) {
      if (out.length >= max) break;
      if (message.sentAt + this.options.retentionSeconds * 1000 <= now) {
        this.remove(message.id);
        continue;
      }
      const group = this.options.fifo ? message.groupId : undefined;
      if (group !== undefined && held.has(group)) continue;
      if (message.visibleAt > now) {
        if (group !== undefined) held.add(group);
        continue;
      }
      const { deadLetter } = this.options;
      if (deadLetter && message.receiveCount >= deadLetter.maxReceiveCount) {
        this.remove(message.id);
        deadLetter.queue.accept({ ...message, visibleAt: now, receiveCount: 0, source: this.name });
        continue;
      }
      const receipt = randomUUID();
      if (message.receipt) this.receipts.delete(message.receipt);
      this.receipts.set(receipt, message.id);
      out.push(
        this.put({
          ...message,
          receipt,
          receiveCount: message.receiveCount + 1,
          visibleAt: now + visibilityTimeoutSeconds * 1000,
          firstReceivedAt: message.firstReceivedAt ?? now,
        }),
      );
    }
    return out;
  }

  /** Deletes a received message; a stale receipt handle deletes nothing (as SQS may not). */
  delete(receipt: string): void {
    const id = this.receipts.get(receipt);
    if (id !== undefined && this.messages.get(id)?.receipt === receipt) this.remove(id);
  }

  changeVisibility(receipt: string, seconds: number): void {
    const id = this.receipts.get(receipt);
    const message = id === undefined ? undefined : this.messages.get(id);
    if (!message || message.receipt !== receipt)
      throw new ReceiptHandleIsInvalid(`receipt handle is not current`);
    this.put({ ...message, visibleAt: this.now() + seconds * 1000 });
  }

  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = this.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receiveCount > 0) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  /** Every message, without receiving any (for the dead-letter listing). */
  peek(): readonly StoredMessage[] {
    return [...this.messages.values()];
  }

  /** Moves every message to the queue it came from (or `to`), visible at once with a fresh count. */
  redrive(queues: (name: string) => LocalQueue | undefined, to?: LocalQueue): number {
    let moved = 0;
    for (const message of [...this.messages.values()]) {
      const target = to ?? (message.source ? queues(message.source) : undefined);
      if (!target) continue;
      this.remove(message.id);
      const { source: _source, receipt: _receipt, firstReceivedAt: _first, ...rest } = message;
      target.accept({ ...rest, visibleAt: this.now(), receiveCount: 0 });
      moved += 1;
    }
    return moved;
  }

  /** Takes in a message moved from another queue, keeping its id, body and first-sent time. */
  accept(message: StoredMessage): void {
    const { receipt: _receipt, ...rest } = message;
    this.put(rest);
  }

  private put(message: StoredMessage): StoredMessage {
    this.messages.set(message.id, message);
    if (this.options.journal) appendFileSync(this.options.journal, `${JSON.stringify({ put: message })}\n`);
    return message;
  }

  private remove(id: string) {
    const message = this.messages.get(id);
    if (message?.receipt) this.receipts.delete(message.receipt);
    this.messages.delete(id);
    if (this.options.journal) appendFileSync(this.options.journal, `${JSON.stringify({ del: id })}\n`);
  }

  /** Rebuilds the queue from its journal, then rewrites the journal with only what is left. */
  private replay(file: string) {
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as { put?: StoredMessage; del?: string };
          if (entry.put) this.messages.set(entry.put.id, entry.put);
          if (entry.del) this.messages.delete(entry.del);
        } catch {
          // A line cut short by a crash: the entries before it stand.
        }
      }
    }
    // Receipts die with the process: what was in flight becomes visible when its timeout ends, as in SQS.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, [...this.messages.values()].map((m) => `${JSON.stringify({ put: m })}\n`).join(''));
    renameSync(tmp, file);
  }
}
