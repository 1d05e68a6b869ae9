import { healthSubject, type HealthReply } from '@contracts/common';
import { ConfigError } from '@platform/config';
import { createLogger, type Logger } from '@platform/logging';
import { NatsConnectionManager, NatsRpcClient } from '@platform/nats';
import { migrateServiceDatabase, revertLastMigration } from '@platform/persistence';
import type { DataSource } from 'typeorm';
import type { AuditLog } from '@platform/audit';
import { loadServiceConfig, serviceCliEnv, type ServiceCliConfig, type ServiceConfig, type ServiceEnv } from './config';
import { databasePlanOf, dataSourceOf, serviceName, type ServiceDefinition, type ServiceParts } from './definition';
import { operatorUnitOfWork, serviceAuditLog } from './service.module';
import type { UnitOfWork } from './unit-of-work';

/** What a service's own commands get from the kit. */
export interface CliContext {
  config: ServiceCliConfig;
  logger: Logger;
  out(line: string): void;
  /** An initialised data source on the service's schema, closed when the command ends. */
  database(): Promise<DataSource>;
  /** The service's audit chain (needs AUDIT_KEY). */
  auditLog(db: DataSource): AuditLog;
  /** Writes as the operator: audited, events left in the outbox for the running service to publish. */
  unitOfWork(db: DataSource): UnitOfWork;
}

export interface CliCommand {
  /** One line per argument form, shown in the usage. */
  usage: string;
  run(args: string[], context: CliContext): Promise<number>;
}

const KIT_USAGE = `  migrate              apply pending migrations, as the service's own role; with DATABASE_ADMIN_URL also create
                       that role and the schema first, and seal the audit table after
  migrate:revert       revert the last applied migration
  health               ask the running service over NATS whether it is healthy (exit 0 when it is)
  audit:verify [seq hash]  recompute the audit chain (against an exported head when given); exit 1 on tampering
  audit:head           print the chain's last record, to keep outside the system`;

/**
 * The operator CLI every service has (`node apps/<service>/dist/cli.js <command>`): migrate, migrate:revert,
 * health, audit:verify, audit:head, and the service's own commands.
 */
export async function runServiceCli<Config extends ServiceConfig>(
  definition: ServiceDefinition<Config>,
  argv: string[],
  commands: Record<string, CliCommand> = {},
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const def = definition;
  const service = serviceName(def);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const usage = () =>
    out(
      `usage: node apps/${service}/dist/cli.js <command>\n${KIT_USAGE}${Object.entries(commands)
        .map(([, command]) => `\n  ${command.usage}`)
        .join('')}`,
    );
  const [command, ...args] = argv;
  if (!command || (!KIT_COMMANDS.has(command) && !commands[command])) {
    usage();
    return 2;
  }
  const config = loadServiceConfig(serviceCliEnv(definition.env as unknown as ServiceEnv), env) as ServiceCliConfig;
  const logger = createLogger({ service: `${service}-cli`, level: config.LOG_LEVEL });
  const open: DataSource[] = [];
  const auditLog = (db: DataSource) => {
    if (!config.AUDIT_KEY) throw new Error('set AUDIT_KEY or AUDIT_KEY_FILE: this command writes or checks the audit chain');
    return serviceAuditLog(def, db, config.AUDIT_KEY);
  };
  const context: CliContext = {
    config,
    logger,
    out,
    async database() {
      const db = await dataSourceOf(def, config).initialize();
      open.push(db);
      return db;
    },
    auditLog,
    unitOfWork: (db) => {
      if (!config.AUDIT_KEY) throw new Error('set AUDIT_KEY or AUDIT_KEY_FILE: this command writes the audit chain');
      return operatorUnitOfWork(def, db, config.AUDIT_KEY);
    },
  };
  try {
    const own = commands[command];
    if (own) {
      const code = await own.run(args, context);
      if (code === 2) usage();
      return code;
    }
    return await runKitCommand(def, command, args, context);
  } finally {
    await Promise.all(open.map((db) => db.destroy().catch(() => undefined)));
  }
}

const KIT_COMMANDS = new Set(['migrate', 'migrate:revert', 'health', 'audit:verify', 'audit:head']);

async function runKitCommand(definition: ServiceParts, command: string, args: string[], context: CliContext): Promise<number> {
  const { config, out } = context;
  const service = serviceName(definition);
  switch (command) {
    case 'migrate': {
      const { applied, sealed } = await migrateServiceDatabase({
        plan: databasePlanOf(definition, config),
        serviceUrl: config.DATABASE_URL,
        password: config.DATABASE_PASSWORD,
        adminUrl: config.DATABASE_ADMIN_URL,
        dataSource: () => dataSourceOf(definition, config),
      });
      out(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      if (sealed.length) out(`sealed: ${sealed.join(', ')} (the service may only read and append)`);
      return 0;
    }
    case 'migrate:revert': {
      await revertLastMigration(await context.database());
      out('reverted the last migration');
      return 0;
    }
    case 'audit:head':
    case 'audit:verify': {
      const audit = context.auditLog(await context.database());
      if (command === 'audit:head') {
        out(JSON.stringify(await audit.head()));
        return 0;
      }
      const expectedHead = args[0] && args[1] ? { seq: args[0], hash: args[1] } : undefined;
      const result = await audit.verify({ expectedHead });
      out(JSON.stringify(result, null, 2));
      return result.ok ? 0 : 1;
    }
    case 'health': {
      if (!config.NATS_NKEY_SEED) throw new Error('set NATS_NKEY_SEED or NATS_NKEY_SEED_FILE: health asks the service over the bus');
      const connections = new NatsConnectionManager({ url: config.NATS_URL, name: `${service}-health`, process: service, seed: config.NATS_NKEY_SEED, logger: context.logger });
      const ready = await Promise.race([connections.start(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 3_000))]);
      try {
        if (!ready) throw new Error('NATS unreachable');
        const reply = await new NatsRpcClient(connections, 2_000).request<HealthReply>(healthSubject(service), {});
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
  return 2;
}

/** A service's `cli.js`: runs the command and exits with its status; a bad setting prints one message, no stack. */
export function runCliMain<Config extends ServiceConfig>(definition: ServiceDefinition<Config>, commands: Record<string, CliCommand> = {}): void {
  runServiceCli(definition, process.argv.slice(2), commands).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : (error.stack ?? error.message)}\n`);
      process.exit(1);
    },
  );
}
