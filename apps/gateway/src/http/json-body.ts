import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { httpProblem } from './problem.filter';

/**
 * How deep arrays and objects may nest in a JSON body. The deepest body the API takes (a split naming where each
 * child goes) nests 6 levels; 64 leaves room for any contract to come, while a body of 100,000 nested arrays (200 kB,
 * well within the body limit) used to overflow the stack of whatever walked it next.
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * True when a JSON text nests arrays and objects deeper than `limit`: one pass over the bytes, no recursion. The
 * bytes it looks for are ASCII, which never occur inside a multi-byte UTF-8 sequence, so it reads UTF-8 as is.
 * Text that is not JSON may be miscounted; the parser refuses it next.
 */
export function jsonNestsDeeperThan(body: Uint8Array, limit: number): boolean {
  if (body.length <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * The JSON body parser: refuses a body nested deeper than MAX_JSON_DEPTH before it is parsed, then parses with
 * Fastify's own parser (prototype-poisoning checks, its errors for an empty or malformed body). Bodies over the
 * size limit are refused by Fastify while they are read, before this runs.
 */
export function registerJsonBodyParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser<Server>('application/json', { bodyLimit }, (request, body, done) => {
    if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) {
      done(httpProblem(400, `The body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    // Fastify's parser reads a Buffer as well as a string.
    parse(request, body as unknown as string, done);
  });
}
