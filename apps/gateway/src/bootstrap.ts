import { HTTP_REQUEST_ID_HEADER } from '@contracts/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { createLogger, NestPinoLogger, type Logger } from '@platform/logging';
import { apiDocument } from './api-document';
import type { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { ProblemFilter } from './http/problem.filter';
import { recordRefusedRequests } from './audit/refused-requests';
import type { AuditTrail } from './audit/audit-trail';
import { AUDIT_TRAIL } from './tokens';
import { clientErrorHandler, frameworkErrorHandler } from './http/client-errors';
import { registerJsonBodyParser } from './http/json-body';
import { HttpProblem, NO_STORE } from './http/problem';
import { requestIdFrom } from './http/request-id';
import { registerHttpProtections } from './http/protections';
import { RequestLog } from './http/request-log';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Every route of the API (the OpenAPI document and its viewer live outside it, under /api/docs). */
const API_PREFIX = '/api/v1/';
const JSON_MEDIA_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Builds the HTTP gateway: the platform's only public entry (ARCHITECTURE "The pieces"). */
export async function createGateway(
  config: GatewayConfig,
  logger: Logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL }),
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    // Only the configured proxies may name the client in X-Forwarded-For; request.ip is then the nearest
    // address none of them holds (what throttling, rate limits and the audit trail see).
    trustProxy: config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false,
    logController: new RequestLog({ requestIdLogLabel: 'requestId' }),
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers[HTTP_REQUEST_ID_HEADER]),
    frameworkErrors: frameworkErrorHandler(logger),
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRoot(config, logger), adapter, {
    logger: new NestPinoLogger(logger),
  });
  app.useGlobalFilters(new ProblemFilter(logger, recordRefusedRequests(app.get<AuditTrail>(AUDIT_TRAIL))));
  registerJsonBodyParser(app);
  await registerHttpProtections(app, config);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(HTTP_REQUEST_ID_HEADER, String(request.id));
    if (request.url.startsWith(API_PREFIX)) reply.header('cache-control', NO_STORE);
    // The API speaks JSON only; a form or text body is refused before anything reads it.
    const contentType = request.headers['content-type'];
    if (contentType && BODY_METHODS.has(request.method) && !JSON_MEDIA_TYPE.test(contentType)) {
      throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'Send the body as application/json');
    }
  });

  SwaggerModule.setup('api/docs', app, apiDocument(app), { jsonDocumentUrl: 'api/openapi.json' });
  return app;
}
