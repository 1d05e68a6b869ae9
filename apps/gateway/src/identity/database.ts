import { createDataSource, type ServiceDatabasePlan } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config';
import { IdentityInitial1763900000000 } from './migrations/1763900000000-identity-initial';
import { IdentityAuditLog1763900000001 } from './migrations/1763900000001-identity-audit-log';
import { TotpLastStep1796000000000 } from './migrations/1796000000000-totp-last-step';

/** Every migration of the identity schema, oldest first. Landed migrations are never edited. */
export const IDENTITY_MIGRATIONS = [IdentityInitial1763900000000, IdentityAuditLog1763900000001, TotpLastStep1796000000000];

/** What provisioning prepares for the gateway's role (docs/access-control.md). */
export function identityDatabasePlan(config: Pick<GatewayConfig, 'DATABASE_SCHEMA'>): ServiceDatabasePlan {
  return { schema: config.DATABASE_SCHEMA, extensions: [], auditTables: ['audit_log'] };
}

export function identityDataSource(
  config: Pick<GatewayConfig, 'DATABASE_URL' | 'DATABASE_PASSWORD' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
): DataSource {
  return createDataSource({
    url: config.DATABASE_URL,
    password: config.DATABASE_PASSWORD,
    schema: config.DATABASE_SCHEMA,
    migrations: IDENTITY_MIGRATIONS,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: 'gateway',
  });
}
