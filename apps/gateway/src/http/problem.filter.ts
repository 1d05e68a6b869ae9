import { CommonErrorCode, DomainError, HTTP_REQUEST_ID_HEADER } from '@contracts/common';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Logger } from '@platform/logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemFromRpcFailure, problemFromServiceError } from './error-mapper';
import { HttpProblem, NO_STORE, PROBLEM_CONTENT_TYPE } from './problem';

/** Codes of the refusals the HTTP layer makes itself, before any contract is involved (docs/errors.md). */
const STATUS_CODES: Record<number, { code: string; title: string }> = {
  400: { code: 'MALFORMED_REQUEST', title: 'The request could not be read' },
  404: { code: 'ROUTE_NOT_FOUND', title: 'No such route' },
  405: { code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed' },
  406: { code: 'NOT_ACCEPTABLE', title: 'Not acceptable' },
  408: { code: 'REQUEST_TIMEOUT', title: 'The request did not arrive in time' },
  413: { code: 'PAYLOAD_TOO_LARGE', title: 'The request body is too large' },
  414: { code: 'URI_TOO_LONG', title: 'The URL is too long' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type' },
  429: { code: 'TOO_MANY_REQUESTS', title: 'Too many requests' },
  431: { code: 'HEADERS_TOO_LARGE', title: 'The request headers are too large' },
};

/** The HTTP layer's own problem for a 4xx status. */
export function httpProblem(status: number, detail?: string): HttpProblem {
  const known = STATUS_CODES[status] ?? { code: `HTTP_${status}`, title: 'The request was refused' };
  return new HttpProblem(status, known.code, known.title, detail);
}

/** Turns anything thrown while handling a request into an RFC 9457 problem; never leaks internals. */
export function toProblem(exception: unknown, logger: Logger): HttpProblem {
  if (exception instanceof HttpProblem) return exception;
  if (exception instanceof DomainError) return problemFromServiceError(exception.toPayload());
  const fromRpc = problemFromRpcFailure(exception);
  if (fromRpc) return fromRpc;
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : typeof (exception as { statusCode?: unknown })?.statusCode === 'number'
        ? (exception as { statusCode: number }).statusCode
        : 500;
  if (status >= 400 && status < 500) return httpProblem(status, (exception as Error).message);
  logger.error({ err: exception }, 'unhandled error');
  return new HttpProblem(500, CommonErrorCode.Internal, 'Internal error');
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: HttpProblem): void {
  const document = problem.toDocument(request.url, String(request.id));
  if (problem.extensions.retryAfterSeconds) reply.header('retry-after', String(problem.extensions.retryAfterSeconds));
  // Set here as well as by the request hook: the router's refusals (see client-errors.ts) are sent before any hook runs.
  reply.header(HTTP_REQUEST_ID_HEADER, String(request.id));
  void reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).header('cache-control', NO_STORE).send(document);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    /** Told of every problem before it is sent (the refusals go on record). */
    private readonly onProblem?: (request: FastifyRequest, problem: HttpProblem) => Promise<void>,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(exception, this.logger);
    await this.onProblem?.(request, problem).catch((error: unknown) => this.logger.error({ err: error }, 'could not record a refused request'));
    sendProblem(http.getResponse<FastifyReply>(), request, problem);
  }
}
