import { eventInboxTableDropSql, eventInboxTableSql } from '@platform/event-consumer';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The platform's inbox: org-structure's events identity applied, each once, and where its durable stands. */
export class IdentityEventInbox1797000000001 implements MigrationInterface {
  name = 'IdentityEventInbox1797000000001';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of eventInboxTableSql(q.connection.driver.schema ?? 'identity')) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const statement of eventInboxTableDropSql(q.connection.driver.schema ?? 'identity')) await q.query(statement);
  }
}
