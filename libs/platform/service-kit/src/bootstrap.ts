import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditLog } from '@platform/audit';
import { ConfigError } from '@platform/config';
import { createLogger, NestPinoLogger, type Logger } from '@platform/logging';
import { natsServerOptions, RpcErrorFilter } from '@platform/nats';
import { loadDefinitionConfig, type ServiceConfig } from './config';
import { serviceName, type ServiceDefinition } from './definition';
import { recordRefusals } from './refusals';
import { ServiceKitModule } from './service.module';

/** Builds the microservice: NATS queue group named after the service, typed errors, request ids in every log line. */
export async function createService<Config extends ServiceConfig>(
  definition: ServiceDefinition<Config>,
  config: Config,
  logger: Logger = createLogger({ service: definition.bus.service, level: config.LOG_LEVEL }),
): Promise<INestMicroservice> {
  const service = serviceName(definition);
  const app = await NestFactory.createMicroservice(ServiceKitModule.forService(definition, config, logger), {
    ...natsServerOptions({ url: config.NATS_URL, service, seed: config.NATS_NKEY_SEED }),
    logger: new NestPinoLogger(logger),
  });
  app.useGlobalFilters(new RpcErrorFilter(logger, recordRefusals(app.get(AuditLog), definition.actionPrefix)));
  return app;
}

/** A service's `main`: reads the environment, listens on NATS, stops cleanly on SIGTERM. */
export function runService<Config extends ServiceConfig>(definition: ServiceDefinition<Config>): void {
  const start = async () => {
    const config = loadDefinitionConfig(definition);
    const logger = createLogger({ service: definition.bus.service, level: config.LOG_LEVEL });
    const app = await createService(definition, config, logger);
    // Ends with process.exit once the hooks ran, so log lines still queued (the handled-message counts) are written;
    // Nest's default re-sends the signal to itself, which kills the process before pino's last write.
    app.enableShutdownHooks(undefined, { useProcessExit: true });
    await app.listen();
    logger.info({ queue: definition.bus.service }, 'listening on NATS');
  };
  start().catch((error: Error) => {
    // A bad setting is the operator's to fix: its message names every variable, a stack would bury it.
    process.stderr.write(`${error instanceof ConfigError ? error.message : (error.stack ?? error.message)}\n`);
    process.exit(1);
  });
}
