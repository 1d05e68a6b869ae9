import { type DynamicModule, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { JetStreamClient } from '@nats-io/jetstream';
import { AuditLog } from '@platform/audit';
import { CallerTokenVerifier, MessageAccessGuard } from '@platform/auth';
import type { Logger } from '@platform/logging';
import { ensureStream, handledMessages, jetstream, NatsConnectionManager } from '@platform/nats';
import { openServiceDataSource, OutboxRelay } from '@platform/persistence';
import { DataSource } from 'typeorm';
import { auditController } from './audit-handlers';
import type { ServiceConfig } from './config';
import { databasePlanOf, dataSourceOf, serviceName, type ServiceDefinition, type ServiceParts } from './definition';
import { healthController } from './health';
import { advisoryLockKey, LockPurpose } from './lock-keys';
import { UnitOfWork } from './unit-of-work';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');

/** The audit chain of a service, under its own key and its own lock. */
export function serviceAuditLog(definition: Pick<ServiceParts, 'bus'>, db: DataSource, key: Buffer): AuditLog {
  return new AuditLog({ dataSource: db, lockKey: advisoryLockKey(serviceName(definition), LockPurpose.audit), key });
}

/** Writes as an operator command makes them: audited as the operator, events left for the running service to publish. */
export function operatorUnitOfWork(definition: ServiceParts, db: DataSource, auditKey: Buffer): UnitOfWork {
  return new UnitOfWork({
    dataSource: db,
    audit: serviceAuditLog(definition, db, auditKey),
    nudge: () => undefined,
    actionPrefix: definition.actionPrefix,
    constraintErrors: definition.constraintErrors,
  });
}

@Module({})
export class ServiceKitModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(NatsConnectionManager) private readonly nats: NatsConnectionManager,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  static forService<Config extends ServiceConfig>(definition: ServiceDefinition<Config>, config: Config, logger: Logger): DynamicModule {
    const service = serviceName(definition);
    const stream = definition.bus.stream;
    let jetstreamClient: JetStreamClient | null = null;
    return {
      module: ServiceKitModule,
      controllers: [...definition.controllers, healthController(service), auditController(service)],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_LOGGER, useValue: logger },
        { provide: CallerTokenVerifier, useValue: new CallerTokenVerifier(config.CALLER_TOKEN_KEY, service) },
        { provide: APP_GUARD, useClass: MessageAccessGuard },
        {
          provide: DataSource,
          // Never serves on a connection that could rewrite the audit trail (a superuser, the table's owner).
          useFactory: () =>
            openServiceDataSource(dataSourceOf(definition, config), databasePlanOf(definition, config)),
        },
        {
          provide: AuditLog,
          inject: [DataSource],
          useFactory: (db: DataSource) => serviceAuditLog(definition, db, config.AUDIT_KEY),
        },
        {
          provide: NatsConnectionManager,
          useFactory: () => {
            const manager = new NatsConnectionManager({ url: config.NATS_URL, name: `${service}-events`, process: service, seed: config.NATS_NKEY_SEED, logger });
            void manager
              .start()
              .then(async (connection) => {
                if (!stream) return;
                await ensureStream(connection, stream.name, [...stream.subjects]);
                jetstreamClient = jetstream(connection);
              })
              .catch((error: Error) => logger.error({ err: error.message }, 'cannot prepare the event stream'));
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
              lockKey: advisoryLockKey(service, LockPurpose.outbox),
            }),
        },
        {
          provide: UnitOfWork,
          inject: [DataSource, AuditLog, OutboxRelay],
          useFactory: (db: DataSource, audit: AuditLog, relay: OutboxRelay) =>
            new UnitOfWork({ dataSource: db, audit, nudge: () => relay.nudge(), actionPrefix: definition.actionPrefix, constraintErrors: definition.constraintErrors }),
        },
        ...(definition.providers?.(config) ?? []),
      ],
      exports: [DataSource, AuditLog, OutboxRelay, UnitOfWork],
    };
  }

  onApplicationBootstrap(): void {
    // A service without a stream has nothing to relay; its outbox stays empty.
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.nats.close();
    if (this.db.isInitialized) await this.db.destroy();
    this.logger.info({ handled: Object.fromEntries(handledMessages) }, 'stopped');
  }
}
