import { ORG_EVENTS_STREAM, OrgEventSubject, type UnitRestructuredEvent } from '@contracts/org-structure';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Logger } from '@platform/logging';
import type { NatsConnectionManager } from '@platform/nats';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AuditTrail } from '../audit/audit-trail';
import { recentCallers } from './identity-cache';

const CONSUMER = 'gateway-role-scopes';

/**
 * A role assignment over a unit that is merged or split follows its successors (issue rule: "an assignment to a
 * unit that is later merged follows its successor, and the change is audited"). Reads org-structure's events
 * from JetStream with a durable consumer; each event is applied once (processed_event) and acknowledged after.
 */
export class SuccessorFollower {
  private stopped = false;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly db: DataSource,
    private readonly audit: AuditTrail,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const connection = await this.nats.whenReady();
        const manager = await jetstreamManager(connection);
        await manager.consumers.add(ORG_EVENTS_STREAM, {
          durable_name: CONSUMER,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: 'org.events.unit.>',
          ack_wait: 30_000_000_000,
        });
        const consumer = await jetstream(connection).consumers.get(ORG_EVENTS_STREAM, CONSUMER);
        const messages = await consumer.consume({ max_messages: 50 });
        for await (const message of messages) {
          if (this.stopped) break;
          try {
            if (message.subject === OrgEventSubject.unitsMerged || message.subject === OrgEventSubject.unitSplit) {
              await this.follow(message.json<UnitRestructuredEvent>());
            }
            message.ack();
          } catch (error) {
            this.logger.warn({ err: (error as Error).message }, 'could not move role assignments to successors; will retry');
            message.nak(5_000);
          }
        }
      } catch (error) {
        // The stream appears when org-structure first starts; until then, and after a NATS outage, try again.
        if (!this.stopped) this.logger.debug({ err: (error as Error).message }, 'waiting for the org events stream');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }

  async follow(event: UnitRestructuredEvent): Promise<void> {
    const successors = event.data.successors.map((s) => s.unitId);
    const predecessors = event.data.predecessors.map((p) => p.unitId);
    if (successors.length === 0 || predecessors.length === 0) return;
    await this.db.transaction(async (manager) => {
      const [fresh] = await manager.query(
        'INSERT INTO processed_event (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id',
        [event.eventId],
      );
      if (fresh.length === 0) return;
      const [moved]: [Array<{ id: string; user_id: string; role: string; unit_id: string }>, number] = await manager.query(
        `UPDATE role_assignment SET valid_to = GREATEST(valid_from, $2::date)
          WHERE unit_id = ANY($1::uuid[]) AND (valid_to IS NULL OR valid_to > $2::date)
          RETURNING id, user_id, role, unit_id`,
        [predecessors, event.effectiveDate],
      );
      if (moved.length > 0) recentCallers.clear();
      for (const assignment of moved) {
        for (const successor of successors) {
          const id = randomUUID();
          await manager.query(
            `INSERT INTO role_assignment (id, user_id, role, unit_id, valid_from, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
            [id, assignment.user_id, assignment.role, successor, event.effectiveDate, `follows ${event.data.operation} ${event.decisionRef ?? ''}`.trim()],
          );
          await this.audit.record(
            {
              action: 'admin.role.follow-successor',
              outcome: 'success',
              actor: { userId: null, username: 'system', roles: [], clientAddress: null },
              object: { type: 'user', id: assignment.user_id, unitScope: successor },
              requestId: event.eventId,
              details: { from: assignment.unit_id, to: successor, role: assignment.role, endedAssignment: assignment.id, newAssignment: id, decisionRef: event.decisionRef, effectiveDate: event.effectiveDate },
            },
            manager,
          );
        }
      }
    });
  }
}
