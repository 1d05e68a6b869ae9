import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';
import type { GatewayConfig } from '../config';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './problem';

/**
 * Security headers (helmet), CORS for the configured web clients only, and a per-user rate limit on the whole
 * API. The limit's counters live in each gateway process: with N replicas a user gets up to N times the limit.
 */
export async function registerHttpProtections(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  // helmet itself, built once: @fastify/helmet rebuilds the middleware (and re-parses the CSP) on every request,
  // which cost the gateway about 40 µs a request (docs/performance.md).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI styles itself inline and shows the validator badge as a data: image.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) =>
      securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
    );

  const origins = config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean);
  app.enableCors({
    origin: origins.length > 0 ? origins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'idempotency-key'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });

  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    allowList: (request: FastifyRequest) => request.url.startsWith('/health/'),
    errorResponseBuilder: (request, context) => {
      const problem = new HttpProblem(429, 'TOO_MANY_REQUESTS', 'Too many requests', `At most ${context.max} requests a minute`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1_000),
      });
      // Thrown, so it reaches the problem filter like every other error.
      return Object.assign(problem, { statusCode: 429, contentType: PROBLEM_CONTENT_TYPE, requestUrl: request.url });
    },
  });
}

/**
 * Counts per user: the subject of the bearer token when there is one (an invalid token is refused right after,
 * cheaply), else the client address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    try {
      const payload = JSON.parse(Buffer.from(header.slice(7).split('.')[1] ?? '', 'base64url').toString('utf8'));
      if (typeof payload?.sub === 'string' && payload.sub.length <= 200) return `user:${payload.sub}`;
    } catch {
      // not a JWT: counted by address below
    }
  }
  return `address:${request.ip}`;
}
