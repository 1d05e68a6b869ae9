import 'reflect-metadata';
import { ORG_SERVICE } from '@contracts/org-structure';
import { createLogger } from '@platform/logging';
import { createOrgStructureService } from './bootstrap';
import { loadOrgStructureConfig } from './config';

async function main(): Promise<void> {
  const config = loadOrgStructureConfig();
  const logger = createLogger({ service: ORG_SERVICE, level: config.LOG_LEVEL });
  const app = await createOrgStructureService(config, logger);
  // Exit rather than re-raise the signal: a process killed by its signal drops log writes still queued, such as
  // the count of handled messages the shutdown logs last; on exit they are written first.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  await app.listen();
  logger.info({ queue: ORG_SERVICE }, 'listening on NATS');
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
