import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from '@platform/logging';
import { NO_STORE, PROBLEM_CONTENT_TYPE, type HttpProblem } from './problem';
import { httpProblem, sendProblem, toProblem } from './problem.filter';

/*
 * Two kinds of refusal happen before a request reaches a route, and Fastify answers both with its own JSON unless
 * told otherwise: the router's (`frameworkErrors`) and Node's HTTP parser's (`clientErrorHandler`). Both answer a
 * problem document here, like every other refusal.
 */

/** The router's refusals: a path parameter over Fastify's maxParamLength (100), a URL with broken percent-encoding. */
export function frameworkErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    sendProblem(reply, request, routerProblem(error, logger));
  };
}

function routerProblem(error: FastifyError, logger: Logger): HttpProblem {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return httpProblem(414, 'A segment of the path is longer than any identifier the API takes');
    case 'FST_ERR_BAD_URL':
      return httpProblem(400, 'The URL is not valid percent-encoded UTF-8');
    default:
      return toProblem(error, logger);
  }
}

/** What Node's parser reports with a refusal: the bytes it was reading, and how far it got in them. */
export interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
  bytesParsed?: number;
}

const REQUEST_LINE_START = /^[A-Z]+ \S/;

/**
 * The problem for a request Node's parser refused. It counts the request line toward its limit on the size of the
 * headers (16 KiB), so a long URL overflows it too: when the packet holding the overflow is the start of a request
 * whose request line has not ended, the URL is what was too long (414); otherwise the headers were (431).
 */
export function parserProblem(error: ParserError): HttpProblem {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW': {
      const parsed = error.rawPacket?.subarray(0, error.bytesParsed ?? error.rawPacket.length);
      const inRequestLine = parsed !== undefined && REQUEST_LINE_START.test(parsed.subarray(0, 32).toString('latin1')) && !parsed.includes(0x0a);
      return inRequestLine
        ? httpProblem(414, 'The request line is longer than the server reads')
        : httpProblem(431, 'The request line and headers together are longer than the server reads');
    }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return httpProblem(408, 'The request did not arrive in time');
    default:
      return httpProblem(400, 'The request is not valid HTTP/1.1');
  }
}

/**
 * Fastify's `clientErrorHandler`: writes the problem straight to the connection, which then closes. (Fastify
 * declares the error's `rawPacket` as JSON of a Buffer; Node passes the Buffer.)
 */
export function clientErrorHandler(error: Error, socket: Socket): void {
  const { code } = error as ParserError;
  // A reset connection, or one already gone: nobody to answer.
  if (code === 'ECONNRESET' || socket.destroyed) return;
  const problem = parserProblem(error as ParserError);
  const requestId = randomUUID();
  const body = JSON.stringify(problem.toDocument(undefined, requestId));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: ${NO_STORE}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
