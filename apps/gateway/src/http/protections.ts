import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';
import type { GatewayConfig } from '../config';
import { AccessTokens, bearerTokenOf } from '../identity/tokens';
import { HttpProblem, PROBLEM_CONTENT_TYPE } from './problem';

/**
 * Security headers (helmet), CORS for the configured web clients only, and a per-user rate limit on the whole
 * API. The limit's counters live in each gateway process: with N replicas a user gets up to N times the limit.
 */
export async function registerHttpProtections(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  const tokens = app.get(AccessTokens);
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
    keyGenerator: (request: FastifyRequest) => rateLimitKey(request, tokens),
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
 * Counts per verified caller: the user of a bearer token whose signature checks out, else the client address. A
 * token's unverified claims never pick the bucket: forged tokens would get fresh budgets, or spend a real user's.
 * Verification is remembered by AccessTokens, so the access guard right after does not check the signature again.
 */
export async function rateLimitKey(request: FastifyRequest, tokens: Pick<AccessTokens, 'verify'>): Promise<string> {
  const token = bearerTokenOf(request.headers.authorization);
  const verified = token ? await tokens.verify(token).catch(() => null) : null;
  if (verified && 'local' in verified) return `user:${verified.local.userId}`;
  if (verified) return `external:${verified.external.issuer} ${verified.external.subject}`;
  return `address:${request.ip}`;
}
