import { RequestMethod, type INestApplication } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { declaredAccess, generateSigningKeyPair, type DeclaredAccess } from '@platform/auth';
import { createLogger } from '@platform/logging';
import { newNatsUserKey } from '@platform/nats';
import { randomBytes } from 'node:crypto';
import { loadGatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { PROBLEM_SCHEMA, problemSchema } from './http/openapi';

const BEARER = 'bearer';

/** What Nest knows of an HTTP route that the document must agree with: who may call it, and its success status. */
interface RouteFacts {
  access: DeclaredAccess | undefined;
  status: number;
}

/** Every HTTP route of the application, by `METHOD /path/{param}`. */
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const prototype = (metatype as { prototype: Record<string, () => unknown> }).prototype;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')].join('/')}`
          .replace(/\/+/g, '/')
          .replace(/\/$/, '')
          .replace(/:(\w+)/g, '{$1}');
        const verb = RequestMethod[method];
        const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (verb === 'POST' ? 201 : 200);
        facts.set(`${verb} ${path}`, { access: declaredAccess(reflector, handler, metatype), status });
      }
    }
  }
  return facts;
}

type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, unknown> };

/** The OpenAPI document of the gateway's routes: what `/api/openapi.json` serves and Swagger UI shows. */
export function apiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Political system records platform')
      .setDescription(
        'Organisation structure of the Party, State, Fatherland Front and mass organisations, with history: ' +
          'every read takes `asOf`. Errors are RFC 9457 problem documents (`application/problem+json`). ' +
          'Log in with POST /api/v1/auth/login and send the access token as `Authorization: Bearer <token>`.',
      )
      .setVersion('1')
      .addServer('/', 'The gateway serving this document')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
      .build(),
  );
  // Proprietary (package.json: UNLICENSED), so there is no licence text to link to.
  document.info.license = { name: 'Proprietary: no use is licensed outside the platform' };
  document.components = { ...document.components, schemas: { ...document.components?.schemas, [PROBLEM_SCHEMA]: problemSchema } };
  // Stated from what the routes declare, so the document cannot call a public route guarded or leave a route's
  // success unsaid (routes written by hand document their problems, not always their success).
  const facts = routeFacts(app);
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, Operation>)) {
      const fact = facts.get(`${method.toUpperCase()} ${path}`);
      if (!fact) throw new Error(`the document has ${method.toUpperCase()} ${path}, which no controller serves`);
      operation.security = fact.access?.kind === 'public' ? [] : [{ [BEARER]: [] }];
      if (!Object.keys(operation.responses).some((status) => status.startsWith('2'))) {
        operation.responses[String(fact.status)] = { description: fact.status === 204 ? 'No content' : 'Success' };
      }
    }
  }
  return document;
}

/**
 * The document without running anything: the gateway's module is built in Nest's preview mode, which scans the
 * controllers but creates no provider, so nothing connects to NATS or PostgreSQL. The credentials it is configured
 * with are made up on the spot and never used.
 */
export async function describeApi(): Promise<OpenAPIObject> {
  const signing = await generateSigningKeyPair();
  const config = loadGatewayConfig({
    NATS_NKEY_SEED: newNatsUserKey().seed,
    AUTH_SIGNING_KEY: signing.privateKeyPem,
    CALLER_TOKEN_SECRET: randomBytes(32).toString('base64'),
    AUDIT_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ service: 'gateway', level: 'silent' });
  const app = await NestFactory.create(GatewayModule.forRoot(config, logger), new FastifyAdapter(), { preview: true, logger: false });
  return apiDocument(app);
}
