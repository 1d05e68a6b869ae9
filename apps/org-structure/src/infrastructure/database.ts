import { ORG_SERVICE } from '@contracts/org-structure';
import { createDataSource, type ServiceDatabasePlan } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import type { OrgStructureConfig } from '../config';
import { OrgStructureInitial1763800000000 } from './migrations/1763800000000-org-structure-initial';
import { UnitPathBtree1763850000000 } from './migrations/1763850000000-unit-path-btree';
import { OrgAuditLog1763950000000 } from './migrations/1763950000000-org-audit-log';
import { CodeExclusionByHash1795327587000 } from './migrations/1795327587000-code-exclusion-by-hash';
import { CanonicalUnitCodes1795400000000 } from './migrations/1795400000000-canonical-unit-codes';

/** Advisory lock key serialising appends to this service's audit chain (same in every replica and command). */
export const AUDIT_LOCK_KEY = 7_301_003;

/** Every migration of the service, oldest first. Landed migrations are never edited: add a new one. */
export const ORG_MIGRATIONS = [
  OrgStructureInitial1763800000000,
  UnitPathBtree1763850000000,
  OrgAuditLog1763950000000,
  CodeExclusionByHash1795327587000,
  CanonicalUnitCodes1795400000000,
];

/** What provisioning prepares for the service's role (docs/access-control.md). */
export function orgDatabasePlan(config: Pick<OrgStructureConfig, 'DATABASE_SCHEMA'>): ServiceDatabasePlan {
  return { schema: config.DATABASE_SCHEMA, extensions: ['ltree', 'btree_gist', 'pg_trgm'], auditTables: ['audit_log'] };
}

export function orgDataSource(
  config: Pick<OrgStructureConfig, 'DATABASE_URL' | 'DATABASE_PASSWORD' | 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
): DataSource {
  return createDataSource({
    url: config.DATABASE_URL,
    password: config.DATABASE_PASSWORD,
    schema: config.DATABASE_SCHEMA,
    migrations: ORG_MIGRATIONS,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    applicationName: ORG_SERVICE,
  });
}
