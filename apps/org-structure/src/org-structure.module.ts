import { ORG_EVENTS_STREAM, ORG_EVENTS_SUBJECTS, ORG_SERVICE } from '@contracts/org-structure';
import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@platform/logging';
import { ensureStream, handledMessages, jetstream, NatsConnectionManager } from '@platform/nats';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DataSource } from 'typeorm';
import { APP_GUARD } from '@nestjs/core';
import { AuditLog } from '@platform/audit';
import { AuditController } from './audit/audit.controller';
import { Scopes } from './domain/scope';
import type { AfterCommit } from './infrastructure/transactions';
import { CallerTokenVerifier, MessageAccessGuard } from '@platform/auth';
import { OutboxRelay, openServiceDataSource } from '@platform/persistence';
import type { OrgStructureConfig } from './config';
import { EstablishmentController } from './establishment/establishment.controller';
import { EstablishmentService } from './establishment/establishment-service';
import { HealthController } from './health/health.controller';
import { ImportsController } from './imports/imports.controller';
import { ImportUnits } from './imports/import-units';
import { AUDIT_LOCK_KEY, orgDatabasePlan, orgDataSource } from './infrastructure/database';
import { RestructuringController } from './restructuring/restructuring.controller';
import { RestructuringService } from './restructuring/restructuring-service';
import { StatisticsController } from './statistics/statistics.controller';
import { StatisticsQueries } from './statistics/statistics-queries';
import { UnitQueries } from './units/unit-queries';
import { UnitsController } from './units/units.controller';

export const LOGGER = Symbol('LOGGER');
export const CONFIG = Symbol('CONFIG');

/** Advisory lock key of this service's outbox relay (one publisher at a time keeps events in order). */
const OUTBOX_LOCK_KEY = 7_301_002;
/** The relay's nudge and the audit log, which every write uses. */
export const WRITE_HOOKS = Symbol('WRITE_HOOKS');

@Module({})
export class OrgStructureModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(NatsConnectionManager) private readonly nats: NatsConnectionManager,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static forRoot(config: OrgStructureConfig, logger: Logger): DynamicModule {
    let jetstreamClient: JetStreamClient | null = null;
    return {
      module: OrgStructureModule,
      controllers: [
        UnitsController,
        RestructuringController,
        StatisticsController,
        ImportsController,
        EstablishmentController,
        HealthController,
        AuditController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: CallerTokenVerifier, useValue: new CallerTokenVerifier(config.CALLER_TOKEN_KEY, ORG_SERVICE) },
        { provide: APP_GUARD, useClass: MessageAccessGuard },
        { provide: AuditLog, inject: [DataSource], useFactory: (db: DataSource) => new AuditLog({ dataSource: db, lockKey: AUDIT_LOCK_KEY, key: config.AUDIT_KEY }) },
        {
          provide: WRITE_HOOKS,
          inject: [OutboxRelay, AuditLog],
          useFactory: (relay: OutboxRelay, audit: AuditLog): AfterCommit => ({ nudge: () => relay.nudge(), audit }),
        },
        { provide: LOGGER, useValue: logger },
        {
          provide: DataSource,
          // Never serves on a connection that could rewrite the audit trail (a superuser, the table's owner).
          useFactory: () => openServiceDataSource(orgDataSource(config), orgDatabasePlan(config)),
        },
        {
          provide: NatsConnectionManager,
          useFactory: () => {
            const manager = new NatsConnectionManager({
              url: config.NATS_URL,
              name: `${ORG_SERVICE}-events`,
              process: ORG_SERVICE,
              seed: config.NATS_NKEY_SEED,
              logger,
            });
            void manager.start().then(async (connection) => {
              await ensureStream(connection, ORG_EVENTS_STREAM, [ORG_EVENTS_SUBJECTS]);
              jetstreamClient = jetstream(connection);
            }).catch((error: Error) => logger.error({ err: error.message }, 'cannot prepare the event stream'));
            return manager;
          },
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, NatsConnectionManager],
          useFactory: (db: DataSource, nats: NatsConnectionManager) =>
            new OutboxRelay({
              dataSource: db,
              jetstream: () => (nats.current() ? jetstreamClient : null),
              logger,
              intervalMs: config.OUTBOX_POLL_MS,
              lockKey: OUTBOX_LOCK_KEY,
            }),
        },
        { provide: UnitQueries, inject: [DataSource], useFactory: (db: DataSource) => new UnitQueries(db) },
        { provide: Scopes, inject: [DataSource], useFactory: (db: DataSource) => new Scopes(db) },
        {
          provide: RestructuringService,
          inject: [DataSource, WRITE_HOOKS, UnitQueries],
          useFactory: (db: DataSource, hooks: AfterCommit, units: UnitQueries) => new RestructuringService(db, hooks, units),
        },
        { provide: StatisticsQueries, inject: [DataSource], useFactory: (db: DataSource) => new StatisticsQueries(db) },
        {
          provide: ImportUnits,
          inject: [DataSource, WRITE_HOOKS],
          useFactory: (db: DataSource, hooks: AfterCommit) => new ImportUnits(db, hooks),
        },
        {
          provide: EstablishmentService,
          inject: [DataSource, WRITE_HOOKS],
          useFactory: (db: DataSource, hooks: AfterCommit) => new EstablishmentService(db, hooks),
        },
      ],
      exports: [OutboxRelay, DataSource],
    };
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.nats.close();
    if (this.db.isInitialized) await this.db.destroy();
    this.logger.info({ handled: Object.fromEntries(handledMessages) }, 'stopped');
  }
}
