import type { AnyRoute, ErrorCatalogue, ServiceBusContract } from '@contracts/common';
import type { Provider, Type } from '@nestjs/common';
import { createDataSource, type ServiceDatabasePlan } from '@platform/persistence';
import type { DataSource, MigrationInterface } from 'typeorm';
import type { z } from 'zod';
import type { ServiceCliConfig, ServiceConfig } from './config';
import type { ConstraintErrors } from './unit-of-work';

/**
 * Everything the kit needs to know to run a service; the service's own folder holds this and its domain.
 * The kit gives it config, the NATS server in its queue group with caller-token checks and the message guard, the
 * data source on its own role, migrations, the outbox relay to its stream, the audit chain, health and audit
 * handlers, an operator CLI and graceful shutdown.
 */
export interface ServiceDefinition<Config extends ServiceConfig = ServiceConfig> {
  /** Its place on the bus: its name (NATS user, queue group), the subjects it answers, its stream. */
  bus: ServiceBusContract;
  /** Prefix of the audit actions taken outside a message (`<prefix>.operator-command`). */
  actionPrefix: string;
  /** Its configuration: `serviceEnv(...)`, extended with its own settings. */
  env: z.ZodType<Config>;
  database: {
    /** Extensions its migrations use, created by provisioning (a service role may not create them). */
    extensions: readonly string[];
    /** Tables the service may only read and append to (sealed by `migrate`); its audit chain is `audit_log`. */
    auditTables?: readonly string[];
    /** Every migration, oldest first. Landed migrations are never edited: add a new one. */
    migrations: ReadonlyArray<new () => MigrationInterface>;
  };
  /** Settings that changed meaning, each with what to set instead: a service refuses to start with one set. */
  replacedVariables?: Readonly<Record<string, string>>;
  /** Constraint names of its schema that stand for domain rules, and the errors they answer. */
  constraintErrors?: ConstraintErrors;
  /** Its routes (from its contracts), each answered by one handler bound with `@HandlesRoute`; the kit adds the audit routes. */
  routes: readonly AnyRoute[];
  /** Its error codes with their statuses (its contracts' catalogue). */
  errors: ErrorCatalogue<string>;
  /** The message handlers of its domain. */
  controllers: Type[];
  /** What they need; the kit provides DataSource, UnitOfWork, AuditLog, SERVICE_CONFIG and SERVICE_LOGGER. */
  providers?: (config: Config) => Provider[];
}

/** The parts of a definition that do not depend on its configuration's type (any definition is one). */
export type ServiceParts = Pick<ServiceDefinition, 'bus' | 'actionPrefix' | 'database' | 'constraintErrors'>;

export const serviceName = (definition: Pick<ServiceParts, 'bus'>): string => definition.bus.service;

/** What provisioning prepares for the service's role (docs/access-control.md). */
export function databasePlanOf(definition: Pick<ServiceParts, 'database'>, config: Pick<ServiceConfig, 'DATABASE_SCHEMA'>): ServiceDatabasePlan {
  return {
    schema: config.DATABASE_SCHEMA,
    extensions: [...definition.database.extensions],
    auditTables: [...(definition.database.auditTables ?? ['audit_log'])],
  };
}

type DatabaseSettings = Pick<
  ServiceCliConfig,
  'DATABASE_URL' | 'DATABASE_PASSWORD' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE' | 'DATABASE_STATEMENT_TIMEOUT_MS'
>;

/** A data source on the service's schema with its migrations (not yet initialised). */
export function dataSourceOf(definition: Pick<ServiceParts, 'bus' | 'database'>, config: DatabaseSettings): DataSource {
  return createDataSource({
    url: config.DATABASE_URL,
    password: config.DATABASE_PASSWORD,
    schema: config.DATABASE_SCHEMA,
    migrations: [...definition.database.migrations],
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: serviceName(definition),
  });
}
