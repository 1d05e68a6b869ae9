import { TOTP, Secret } from 'otpauth';
import { totpStep } from './totp';

describe('totpStep', () => {
  // A fixed secret and clock, so which codes a step has is the same on every run.
  const secret = 'JBSWY3DPEHPK3PXP';
  const codeAt = (timestamp: number) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });
  const now = Date.parse('2026-12-01T12:00:10Z');
  const step = Math.floor(now / 30_000);

  it('names the time step of a code from the current, previous or next 30 s', () => {
    expect(totpStep(secret, codeAt(now), now)).toBe(step);
    expect(totpStep(secret, codeAt(now - 30_000), now)).toBe(step - 1);
    expect(totpStep(secret, codeAt(now + 30_000), now)).toBe(step + 1);
  });

  it('refuses a code from further away, or a wrong one', () => {
    expect(totpStep(secret, codeAt(now + 60_000), now)).toBeNull();
    expect(totpStep(secret, codeAt(now - 60_000), now)).toBeNull();
    const wrong = codeAt(now) === '000000' ? '111111' : '000000';
    expect(totpStep(secret, wrong, now)).toBeNull();
  });
});
