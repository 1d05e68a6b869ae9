import { IdentityEventSubject, type CallersChangedEvent } from '@contracts/identity';
import { appendToOutbox, type OutboxRelay } from '@platform/persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * What a caller may do changed (an account, a role, a session): an event in the same transaction as the change, so
 * every gateway replica forgets the callers it cached once the change has committed, and never before.
 */
export class CallerChanges {
  constructor(
    private readonly db: DataSource,
    private readonly relay: Pick<OutboxRelay, 'nudge'>,
  ) {}

  async record(manager: EntityManager, userIds: string[], reason: CallersChangedEvent['data']['reason']): Promise<void> {
    if (userIds.length === 0) return;
    const eventId = randomUUID();
    const event: CallersChangedEvent = {
      eventId,
      type: IdentityEventSubject.callersChanged,
      occurredAt: new Date().toISOString(),
      data: { userIds: [...new Set(userIds)], reason },
    };
    await appendToOutbox(manager, [{ id: eventId, subject: event.type, payload: event }]);
  }

  /** Wakes the relay after a transaction made elsewhere (an event consumer's) committed an announcement. */
  nudge(): void {
    this.relay.nudge();
  }

  /** A change and its event in one transaction; the relay publishes right after the commit. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.relay.nudge();
    return result;
  }
}
