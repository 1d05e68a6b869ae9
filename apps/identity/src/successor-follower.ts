import { toFieldErrors } from '@contracts/common';
import { OrgEventSubject, unitsReorganisedEventSchema } from '@contracts/org-structure';
import { IDENTITY_ROLE_SCOPES_CONSUMER } from '@contracts/identity';
import type { z } from 'zod';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Logger } from '@platform/logging';
import type { NatsConnectionManager } from '@platform/nats';
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '@platform/audit';
import type { CallerChanges } from './caller-changes';

const { stream: STREAM, durable: CONSUMER, filterSubject: FILTER } = IDENTITY_ROLE_SCOPES_CONSUMER;
type ReorganisedEvent = z.infer<typeof unitsReorganisedEventSchema>;

/**
 * A role assignment over a unit that is merged or split follows its successors (issue rule: "an assignment to a
 * unit that is later merged follows its successor, and the change is audited"). Reads org-structure's events
 * from JetStream with a durable consumer; each event is applied once (processed_event) and acknowledged after.
 */
export class SuccessorFollower {
  private stopped = false;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly audit: AuditLog,
    private readonly changes: CallerChanges,
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
        await manager.consumers.add(STREAM, {
          durable_name: CONSUMER,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          filter_subject: FILTER,
          ack_wait: 30_000_000_000,
        });
        const consumer = await jetstream(connection).consumers.get(STREAM, CONSUMER);
        const messages = await consumer.consume({ max_messages: 50 });
        for await (const message of messages) {
          if (this.stopped) break;
          try {
            if (message.subject === OrgEventSubject.unitsMerged || message.subject === OrgEventSubject.unitSplit) {
              await this.receive(message.subject, message.data);
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

  /**
   * An event as it arrived: acted on only when it has the shape of a merge or split on the subject it came on.
   * Anything else changes nothing; it is logged and recorded (it can only come from a bug or a forgery), and
   * acknowledged, since delivering it again would not make it right.
   */
  async receive(subject: string, data: Uint8Array): Promise<boolean> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(data));
    } catch {
      parsed = undefined;
    }
    const result = unitsReorganisedEventSchema.safeParse(parsed);
    const problems = result.success
      ? result.data.type === subject
        ? []
        : [{ path: 'type', message: `is ${result.data.type} on the subject ${subject}` }]
      : toFieldErrors(result.error).slice(0, 10);
    if (problems.length > 0 || !result.success) {
      const eventId = (parsed as { eventId?: unknown } | undefined)?.eventId;
      this.logger.warn({ subject, eventId, problems }, 'refused a malformed restructuring event; role assignments unchanged');
      await this.audit.append({
        action: 'admin.role.follow-successor',
        outcome: 'denied',
        actor: { userId: null, username: 'system', roles: [], clientAddress: null },
        object: { type: 'event', id: typeof eventId === 'string' ? eventId.slice(0, 100) : null, unitScope: null },
        requestId: null,
        details: { subject, reason: 'malformed event', problems },
      });
      return false;
    }
    await this.follow(result.data);
    return true;
  }

  async follow(event: ReorganisedEvent): Promise<void> {
    const successors = event.data.successors.map((s) => s.unitId);
    const predecessors = event.data.predecessors.map((p) => p.unitId);
    await this.changes.transaction(async (manager) => {
      // An INSERT answers its rows (an UPDATE, rows and count): none when the event was applied before.
      const inserted: unknown[] = await manager.query(
        'INSERT INTO processed_event (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id',
        [event.eventId],
      );
      if (inserted.length === 0) return;
      const [moved]: [Array<{ id: string; user_id: string; role: string; unit_id: string }>, number] = await manager.query(
        `UPDATE role_assignment SET valid_to = GREATEST(valid_from, $2::date)
          WHERE unit_id = ANY($1::uuid[]) AND (valid_to IS NULL OR valid_to > $2::date)
          RETURNING id, user_id, role, unit_id`,
        [predecessors, event.effectiveDate],
      );
      await this.changes.record(manager, moved.map((assignment) => assignment.user_id), 'successor');
      for (const assignment of moved) {
        for (const successor of successors) {
          const id = randomUUID();
          await manager.query(
            `INSERT INTO role_assignment (id, user_id, role, unit_id, valid_from, reason) VALUES ($1, $2, $3, $4, $5, $6)`,
            [id, assignment.user_id, assignment.role, successor, event.effectiveDate, `follows ${event.data.operation} ${event.decisionRef ?? ''}`.trim()],
          );
          await this.audit.append(
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
