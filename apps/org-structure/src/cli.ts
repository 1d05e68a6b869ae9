import 'reflect-metadata';
import { DomainError, healthSubject, type HealthReply } from '@contracts/common';
import { applyRestructuringRequest, ORG_SERVICE } from '@contracts/org-structure';
import { AuditLog } from '@platform/audit';
import { createLogger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient, parsePayload } from '@platform/nats';
import { migrateServiceDatabase, revertLastMigration } from '@platform/persistence';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { loadOrgStructureCliConfig, type OrgStructureCliConfig } from './config';
import { ImportUnits } from './imports/import-units';
import { readCsvStream, readJsonArrayStream } from './imports/parse-import';
import { AUDIT_LOCK_KEY, orgDatabasePlan, orgDataSource } from './infrastructure/database';
import type { AfterCommit } from './infrastructure/transactions';
import { RestructuringService } from './restructuring/restructuring-service';
import { UnitQueries } from './units/unit-queries';

const USAGE = `usage: node apps/org-structure/dist/cli.js <command>
  migrate              apply pending migrations of the org_structure schema, as the service's own role; with
                       DATABASE_ADMIN_URL also create that role and the schema first and seal the audit table after
  migrate:revert       revert the last applied migration
  import <file>        import a unit tree from a .json (array of rows) or .csv file, streamed: any size,
                       all or nothing
  restructure <file>   apply a restructuring from a .json file (the body of POST /api/v1/org/restructurings),
                       all or nothing
  health               ask the running service over NATS whether it is healthy (exit 0 when it is)
  audit:verify [seq hash]  recompute the audit chain (against an exported head when given); exit 1 on tampering
  audit:head           print the chain's last record, to keep outside the system`;

/** An import creating at least this many units refreshes the planner's statistics of the unit tables. */
const ANALYZE_AFTER_IMPORTED_UNITS = 10_000;

function auditLog(db: DataSource, config: OrgStructureCliConfig): AuditLog {
  if (!config.AUDIT_KEY) throw new Error('set AUDIT_KEY or AUDIT_KEY_FILE: this command writes or checks the audit chain');
  return new AuditLog({ dataSource: db, lockKey: AUDIT_LOCK_KEY, key: config.AUDIT_KEY });
}

/** Operator commands write through the outbox (the running service publishes) and are audited as the operator. */
function operatorHooks(db: DataSource, config: OrgStructureCliConfig): AfterCommit {
  return { nudge: () => undefined, audit: auditLog(db, config) };
}

/** Operator commands of the organisation-structure service. */
async function main(argv: string[]): Promise<number> {
  const [command, argument] = argv;
  const config = loadOrgStructureCliConfig();
  const logger = createLogger({ service: `${ORG_SERVICE}-cli`, level: config.LOG_LEVEL });
  const out = (line: string) => process.stdout.write(`${line}\n`);

  switch (command) {
    case 'migrate': {
      const { applied, sealed } = await migrateServiceDatabase({
        plan: orgDatabasePlan(config),
        serviceUrl: config.DATABASE_URL,
        password: config.DATABASE_PASSWORD,
        adminUrl: config.DATABASE_ADMIN_URL,
        dataSource: () => orgDataSource(config),
      });
      out(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      if (sealed.length) out(`sealed: ${sealed.join(', ')} (the service may only read and append)`);
      return 0;
    }
    case 'migrate:revert': {
      const db = await orgDataSource(config).initialize();
      try {
        await revertLastMigration(db);
        out('reverted the last migration');
      } finally {
        await db.destroy();
      }
      return 0;
    }
    case 'import': {
      if (!argument) break;
      // Fails here, before any connection, when the file cannot be read.
      if (!statSync(argument).isFile()) throw new Error(`${argument} is not a file`);
      const db = await orgDataSource(config).initialize();
      try {
        // The file is streamed in batches inside one transaction: memory stays flat whatever its size.
        const input = createReadStream(argument);
        const rows = argument.toLowerCase().endsWith('.csv') ? readCsvStream(input) : readJsonArrayStream(input);
        // Events reach JetStream through the outbox: the running service's relay publishes them.
        const result = await new ImportUnits(db, operatorHooks(db, config)).runStream(rows);
        out(`created ${result.created}, unchanged ${result.unchanged}`);
        // Planner statistics for the grown tables now rather than at autovacuum's next pass: restructurings run
        // right after a large import are several times slower on estimates of the tables as they were.
        if (result.created >= ANALYZE_AFTER_IMPORTED_UNITS) {
          await db.query('ANALYZE unit, unit_version').catch((error: Error) => out(`(ANALYZE after the import failed: ${error.message})`));
        }
      } catch (error) {
        const details = (error as { extra?: { details?: { rows?: unknown[] } } }).extra?.details?.rows;
        out(`import refused: ${(error as Error).message}`);
        if (details) out(JSON.stringify(details, null, 2));
        return 1;
      } finally {
        await db.destroy();
      }
      return 0;
    }
    case 'restructure': {
      if (!argument) break;
      let db: DataSource | null = null;
      try {
        const request = parsePayload(applyRestructuringRequest, JSON.parse(readFileSync(argument, 'utf8')) as unknown);
        db = await orgDataSource(config).initialize();
        // Events reach JetStream through the outbox: the running service's relay publishes them.
        const applied = await new RestructuringService(db, operatorHooks(db, config), new UnitQueries(db)).apply(request);
        const counts = new Map<string, number>();
        for (const operation of applied.operations) counts.set(operation.type, (counts.get(operation.type) ?? 0) + 1);
        out(
          `applied restructuring ${applied.decisionRef ?? '(no decision)'} effective ${applied.effectiveDate}: ` +
            `${[...counts].map(([type, n]) => `${n} ${type}`).join(', ')}; ${applied.affectedUnitIds.length} units affected; id ${applied.id}`,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) {
          out(`restructuring failed: ${(error as Error).message}`);
          return 1;
        }
        const { code, message, rule, errors, details } = error.toPayload();
        out(`restructuring refused: ${code}: ${message}${rule ? ` (${rule})` : ''}`);
        for (const field of errors ?? []) out(`  ${field.path || '(request)'}: ${field.message}`);
        if (details) out(JSON.stringify(details, null, 2));
        return 1;
      } finally {
        await db?.destroy();
      }
      return 0;
    }
    case 'audit:verify':
    case 'audit:head': {
      const db = await orgDataSource(config).initialize();
      try {
        const audit = auditLog(db, config);
        if (command === 'audit:head') {
          out(JSON.stringify(await audit.head()));
          return 0;
        }
        const expectedHead = argument && argv[2] ? { seq: argument, hash: argv[2] } : undefined;
        const result = await audit.verify({ expectedHead });
        out(JSON.stringify(result, null, 2));
        return result.ok ? 0 : 1;
      } finally {
        await db.destroy();
      }
    }
    case 'health': {
      if (!config.NATS_NKEY_SEED) throw new Error('set NATS_NKEY_SEED or NATS_NKEY_SEED_FILE: health asks the service over the bus');
      const connections = new NatsConnectionManager({
        url: config.NATS_URL,
        name: `${ORG_SERVICE}-health`,
        process: ORG_SERVICE,
        seed: config.NATS_NKEY_SEED,
        logger,
      });
      const ready = await Promise.race([
        connections.start(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 3_000)),
      ]);
      try {
        if (!ready) throw new Error('NATS unreachable');
        const reply = await new NatsRpcClient(connections, 2_000).request<HealthReply>(healthSubject(ORG_SERVICE), {});
        out(JSON.stringify(reply));
        return reply.status === 'ok' ? 0 : 1;
      } catch (error) {
        out(`unhealthy: ${(error as Error).message}`);
        return 1;
      } finally {
        await connections.close();
      }
    }
  }
  out(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
