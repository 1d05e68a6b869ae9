import { CallerTokenSigner, CallerTokenVerifier, callerTokenKey } from './caller-token';

const caller = { userId: 'u-1', username: 'a', roles: [{ role: 'records-clerk' as const, unitId: null }], clearance: 'none' as const, clientAddress: null };
const secret = Buffer.alloc(32, 1);
const request = { service: 'org-structure', subject: 'org.v1.unit.get', body: '{"pattern":"org.v1.unit.get","data":{"id":"x"},"id":"1"}' };

function pair(now = () => Date.now()) {
  return {
    signer: new CallerTokenSigner(secret, 10, now),
    verifier: new CallerTokenVerifier(callerTokenKey(secret, 'org-structure'), 'org-structure', now),
  };
}

describe('caller tokens between the gateway and services (bound to one request)', () => {
  it('round-trips the caller for the message it was issued for', () => {
    const { signer, verifier } = pair();
    expect(verifier.verify(signer.sign(caller, request), request)).toEqual({ ok: true, caller });
  });

  it('refuses a token replayed on another subject, with another payload, or a second time', () => {
    const { signer, verifier } = pair();
    const token = signer.sign(caller, request);
    expect(verifier.verify(token, { ...request, subject: 'org.v1.restructuring.apply' })).toEqual({ ok: false, reason: 'other-subject' });
    expect(verifier.verify(token, { ...request, body: request.body.replace('"x"', '"y"') })).toEqual({ ok: false, reason: 'other-payload' });
    expect(verifier.verify(token, request).ok).toBe(true);
    expect(verifier.verify(token, request)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses an expired token, one for another service, one under another secret, a tampered one and none', () => {
    let now = 1_800_000_000_000;
    const { signer, verifier } = pair(() => now);
    const token = signer.sign(caller, request);
    now += 16_000; // 10 s of life and 5 s of clock tolerance are over
    expect(verifier.verify(token, request)).toEqual({ ok: false, reason: 'expired' });
    now -= 16_000;
    const forOther = signer.sign(caller, { ...request, service: 'cadres' });
    expect(verifier.verify(forOther, request)).toEqual({ ok: false, reason: 'forged' });
    const otherSecret = new CallerTokenSigner(Buffer.alloc(32, 2), 10, () => now).sign(caller, request);
    expect(verifier.verify(otherSecret, request)).toEqual({ ok: false, reason: 'forged' });
    const [version, payload, mac] = signer.sign(caller, request).split('.');
    const escalated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), caller: { ...caller, roles: [{ role: 'administrator', unitId: null }] } }),
    ).toString('base64url');
    expect(verifier.verify(`${version}.${escalated}.${mac}`, request)).toEqual({ ok: false, reason: 'forged' });
    expect(verifier.verify(undefined, request)).toEqual({ ok: false, reason: 'missing' });
    expect(verifier.verify('v1.x', request)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('derives a different key for every service', () => {
    expect(callerTokenKey(secret, 'org-structure').equals(callerTokenKey(secret, 'cadres'))).toBe(false);
  });
});
