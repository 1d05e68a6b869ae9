import { ORG_SERVICE } from '@contracts/org-structure';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { createLogger, NestPinoLogger, type Logger } from '@platform/logging';
import { natsServerOptions, RpcErrorFilter } from '@platform/nats';
import type { OrgStructureConfig } from './config';
import { OrgStructureModule } from './org-structure.module';
import { recordRefusals } from './infrastructure/refusals';
import { AuditLog } from '@platform/audit';

/** Builds the microservice: NATS queue group `org-structure`, typed errors, request ids in every log line. */
export async function createOrgStructureService(
  config: OrgStructureConfig,
  logger: Logger = createLogger({ service: ORG_SERVICE, level: config.LOG_LEVEL }),
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(OrgStructureModule.forRoot(config, logger), {
    ...natsServerOptions({ url: config.NATS_URL, service: ORG_SERVICE, seed: config.NATS_NKEY_SEED }),
    logger: new NestPinoLogger(logger),
  });
  app.useGlobalFilters(new RpcErrorFilter(logger, recordRefusals(app.get(AuditLog))));
  return app;
}
