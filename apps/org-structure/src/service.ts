import { ORG_BUS, ORG_ERRORS, ORG_ROUTES } from '@contracts/org-structure';
import { AUDIT_SCOPE, databasePlanOf, dataSourceOf, type ServiceDefinition, UnitOfWork } from '@platform/service-kit';
import { DataSource } from 'typeorm';
import type { OrgStructureCliConfig, OrgStructureConfig } from './config';
import { orgStructureEnv } from './config';
import { Scopes } from './domain/scope';
import { EstablishmentController } from './establishment/establishment.controller';
import { EstablishmentService } from './establishment/establishment-service';
import { ImportsController } from './imports/imports.controller';
import { ImportUnits } from './imports/import-units';
import { ORG_CONSTRAINT_ERRORS, ORG_MIGRATIONS } from './infrastructure/database';
import { RestructuringController } from './restructuring/restructuring.controller';
import { RestructuringService } from './restructuring/restructuring-service';
import { StatisticsController } from './statistics/statistics.controller';
import { StatisticsQueries } from './statistics/statistics-queries';
import { UnitQueries } from './units/unit-queries';
import { UnitsController } from './units/units.controller';

/** The organisation-structure service (ORG-1 … ORG-9) on the service kit: what it answers and what that needs. */
export const orgStructureService: ServiceDefinition<OrgStructureConfig> = {
  bus: ORG_BUS,
  actionPrefix: 'org',
  env: orgStructureEnv,
  database: { extensions: ['ltree', 'btree_gist', 'pg_trgm'], migrations: ORG_MIGRATIONS },
  constraintErrors: ORG_CONSTRAINT_ERRORS,
  routes: Object.values(ORG_ROUTES),
  errors: ORG_ERRORS,
  controllers: [UnitsController, RestructuringController, StatisticsController, ImportsController, EstablishmentController],
  providers: () => [
    { provide: UnitQueries, inject: [DataSource], useFactory: (db: DataSource) => new UnitQueries(db) },
    { provide: Scopes, inject: [DataSource], useFactory: (db: DataSource) => new Scopes(db) },
    // An auditor over a unit reads the records of units that ever lay in their scope.
    { provide: AUDIT_SCOPE, useExisting: Scopes },
    {
      provide: RestructuringService,
      inject: [DataSource, UnitOfWork, UnitQueries],
      useFactory: (db: DataSource, work: UnitOfWork, units: UnitQueries) => new RestructuringService(db, work, units),
    },
    { provide: StatisticsQueries, inject: [DataSource], useFactory: (db: DataSource) => new StatisticsQueries(db) },
    { provide: ImportUnits, inject: [DataSource, UnitOfWork], useFactory: (db: DataSource, work: UnitOfWork) => new ImportUnits(db, work) },
    {
      provide: EstablishmentService,
      inject: [DataSource, UnitOfWork],
      useFactory: (db: DataSource, work: UnitOfWork) => new EstablishmentService(db, work),
    },
  ],
};

/** The service's data source for a command or a test (not initialised). */
export const orgDataSource = (config: OrgStructureCliConfig | OrgStructureConfig): DataSource => dataSourceOf(orgStructureService, config);
export const orgDatabasePlan = (config: Pick<OrgStructureConfig, 'DATABASE_SCHEMA'>) => databasePlanOf(orgStructureService, config);
