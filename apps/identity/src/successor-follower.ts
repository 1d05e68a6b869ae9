import { toFieldErrors } from '@contracts/common';
import { IDENTITY_ROLE_SCOPES_CONSUMER } from '@contracts/identity';
import { OrgEventSubject, unitsReorganisedEventSchema } from '@contracts/org-structure';
import type { AuditLog } from '@platform/audit';
import { DurableEventConsumer, type ConsumedEvent } from '@platform/event-consumer';
import type { Logger } from '@platform/logging';
import type { NatsConnectionManager } from '@platform/nats';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { CallerChanges } from './caller-changes';

type ReorganisedEvent = z.infer<typeof unitsReorganisedEventSchema>;

/**
 * A role assignment over a unit that is merged or split follows its successors (ORG-8: "an assignment to a unit
 * that is later merged follows its successor, and the change is audited"). Reads org-structure's unit events through
 * the durable consumer of its bus contract; the platform's inbox applies each event once, in stream order, in one
 * transaction with the assignments it moves, their audit records and the announcement of whose roles changed.
 */
export class SuccessorFollower {
  private readonly consumer: DurableEventConsumer;

  constructor(
    nats: NatsConnectionManager,
    db: DataSource,
    schema: string,
    private readonly audit: AuditLog,
    private readonly changes: CallerChanges,
    private readonly logger: Logger,
  ) {
    this.consumer = new DurableEventConsumer({
      consumer: IDENTITY_ROLE_SCOPES_CONSUMER,
      connection: () => nats.whenReady(),
      dataSource: db,
      schema,
      logger,
      handler: (event, manager) => this.handle(event, manager),
      // The announcement of whose roles changed leaves at once: gateways stop serving the old roles.
      afterCommit: () => changes.nudge(),
    });
  }

  start(): void {
    this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** How many events the consumer has not yet applied (null while NATS or the stream cannot be reached). */
  pending(): Promise<number | null> {
    return this.consumer.pending();
  }

  private async handle(event: ConsumedEvent, manager: EntityManager): Promise<void> {
    // Only merges and splits move roles; the other unit events leave them where they are.
    if (event.subject !== OrgEventSubject.unitsMerged && event.subject !== OrgEventSubject.unitSplit) return;
    await this.receive(event.subject, event.payload, manager);
  }

/**
   * An event as it arrived: acted on only when it has the shape of a merge or split on the subject it came on.
   * Anything else changes nothing; it is logged and recorded (it can only come from a bug or a forgery), and
   * acknowledged, since delivering it again would not make it right.
   */
  async receive(subject: string, parsed: unknown, manager: EntityManager): Promise<boolean> {
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
      }, manager);
      return false;
    }
    await this.follow(result.data, manager);
    return true;
  }

  async follow(event: ReorganisedEvent, manager: EntityManager): Promise<void> {
    const successors = event.data.successors.map((s) => s.unitId);
    const predecessors = event.data.predecessors.map((p) => p.unitId);
    {
      // Events applied before the platform's inbox kept them (processed_event), so a replay from the start of the
      // stream applies none of them again. An INSERT answers its rows (an UPDATE, rows and count).
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
    }
  }
}
