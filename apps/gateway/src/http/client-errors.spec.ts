import { parserProblem, type ParserError } from './client-errors';

/** A refusal as Node's parser reports it: the packet it read and how far it got. */
function refusal(code: string, packet: string, bytesParsed = Buffer.byteLength(packet)): ParserError {
  return Object.assign(new Error(code), { code, rawPacket: Buffer.from(packet, 'latin1'), bytesParsed });
}

describe("problems for requests Node's parser refuses", () => {
  it('a request line that never ended is a URL too long → 414', () => {
    const problem = parserProblem(refusal('HPE_HEADER_OVERFLOW', `GET /api/v1/org/units?q=${'a'.repeat(20_000)} HTTP/1.1\r\n`, 16_400));
    expect(problem).toMatchObject({ status: 414, code: 'URI_TOO_LONG' });
  });

  it('an overflow after the request line is headers too large → 431', () => {
    const packet = `GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`;
    expect(parserProblem(refusal('HPE_HEADER_OVERFLOW', packet, 16_400))).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('an overflow in a later packet of the request, which cannot say where it began, is headers too large → 431', () => {
    expect(parserProblem(refusal('HPE_HEADER_OVERFLOW', 'a'.repeat(10_000)))).toMatchObject({ status: 431 });
    expect(parserProblem(Object.assign(new Error('overflow'), { code: 'HPE_HEADER_OVERFLOW' }))).toMatchObject({ status: 431 });
  });

  it('a timeout → 408, anything else the parser refuses → 400', () => {
    expect(parserProblem(refusal('ERR_HTTP_REQUEST_TIMEOUT', ''))).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
    expect(parserProblem(refusal('HPE_INVALID_METHOD', 'HELLO\r\n\r\n', 2))).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
  });

  it('is a problem document without an instance: the URL was never read whole', () => {
    const document = parserProblem(refusal('HPE_INVALID_METHOD', 'HELLO')).toDocument(undefined, 'r-1');
    expect(document).toEqual({
      type: 'urn:problem-type:malformed-request',
      title: 'The request could not be read',
      status: 400,
      detail: 'The request is not valid HTTP/1.1',
      code: 'MALFORMED_REQUEST',
      requestId: 'r-1',
    });
  });
});
