import { connect } from 'node:net';
import { startPlatform, type Platform } from './support/platform';

/* Answers that are not ordinary API answers: caching of credentials and data, and requests the HTTP parser refuses. */
let p: Platform;

beforeAll(async () => {
  p = await startPlatform();
});

afterAll(async () => {
  await p?.stop();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes one request in a single write and reads the answer until the server closes or ends the body. */
function rawRequest(request: string): Promise<RawAnswer> {
  const { port, hostname } = new URL(p.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    const answer = (): RawAnswer | null => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const body = text.slice(end + 4);
      const length = Number(headers['content-length']);
      if (Number.isFinite(length) && Buffer.byteLength(body) < length) return null;
      return { status: Number(statusLine.split(' ')[1]), headers, body };
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const done = answer();
      if (done) {
        socket.destroy();
        resolve(done);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const done = answer();
      if (done) resolve(done);
      else reject(new Error(`connection closed without a complete answer: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
    });
  });
}

function expectRawProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(JSON.parse(answer.body)).toMatchObject({ status, code, type: `urn:problem-type:${code.toLowerCase().replace(/_/g, '-')}`, title: expect.any(String) });
}

describe('Cache-Control: no-store', () => {
  it('on login and refresh, whose answers carry tokens', async () => {
    const clerk = await p.userWithRole('records-clerk', null);
    const login = await p.http('POST', '/api/v1/auth/login', { username: clerk.username, password: clerk.password }, { authorization: '' });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const refresh = await p.http('POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken }, { authorization: '' });
    expect(refresh.status).toBe(200);
    expect(refresh.headers.get('cache-control')).toBe('no-store');
  });

  it('on every authenticated API answer', async () => {
    for (const path of ['/api/v1/auth/me', '/api/v1/org/units', '/api/v1/org/statistics', '/api/v1/audit/events']) {
      const response = await p.http('GET', path);
      expect({ path, status: response.status, cacheControl: response.headers.get('cache-control') }).toEqual({ path, status: 200, cacheControl: 'no-store' });
    }
  });

  it('on problem documents', async () => {
    const answers = [
      await p.http('GET', '/api/v1/org/units', undefined, { authorization: '' }),
      await p.http('GET', '/api/v1/org/units?limit=1000'),
      await p.http('GET', '/nothing-here'),
      await p.raw('POST', '/api/v1/org/units', '{"code": ', 'application/json'),
    ];
    for (const response of answers) {
      expect(response.contentType).toContain('application/problem+json');
      expect({ status: response.status, cacheControl: response.headers.get('cache-control') }).toEqual({ status: response.status, cacheControl: 'no-store' });
    }
  });
});

describe('requests the HTTP parser or the router refuses are problem documents too', () => {
  it('a 20 kB URL → 414 URI_TOO_LONG', async () => {
    const answer = await rawRequest(`GET /api/v1/org/units?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expectRawProblem(answer, 414, 'URI_TOO_LONG');
  });

  it('a 20 kB header → 431 HEADERS_TOO_LARGE', async () => {
    const answer = await rawRequest(`GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectRawProblem(answer, 431, 'HEADERS_TOO_LARGE');
  });

  it('a path segment longer than the router takes → 414 URI_TOO_LONG', async () => {
    const response = await p.http('GET', `/api/v1/org/units/${'a'.repeat(200)}`);
    expect(response.status).toBe(414);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ status: 414, code: 'URI_TOO_LONG', type: 'urn:problem-type:uri-too-long' });
    expect(response.headers.get('x-request-id')).toBe(response.body.requestId);
  });

  it('a URL with broken percent-encoding → 400 MALFORMED_REQUEST', async () => {
    const response = await p.http('GET', '/api/v1/org/units/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  it('something that is not HTTP → 400 MALFORMED_REQUEST', async () => {
    const answer = await rawRequest('HELLO\r\n\r\n');
    expectRawProblem(answer, 400, 'MALFORMED_REQUEST');
  });

  it('still answers an ordinary request afterwards', async () => {
    expect((await p.http('GET', '/health/live')).status).toBe(200);
  });
});
