import { advisoryLockKey, LockPurpose } from './lock-keys';

describe('advisoryLockKey', () => {
  it('is the same for the same service and purpose, in every process', () => {
    expect(advisoryLockKey('org-structure', LockPurpose.outbox)).toBe(advisoryLockKey('org-structure', LockPurpose.outbox));
  });

  it('differs between services and between purposes', () => {
    const keys = ['org-structure', 'identity', 'cadres', 'documents'].flatMap((service) =>
      Object.values(LockPurpose).map((purpose) => advisoryLockKey(service, purpose)),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('does not confuse a service name ending where a purpose begins', () => {
    expect(advisoryLockKey('ab', 'c')).not.toBe(advisoryLockKey('a', 'bc'));
  });

  it('is a safe integer, as the audit log and the outbox relay require', () => {
    for (const service of ['org-structure', 'identity', 'x']) {
      expect(Number.isSafeInteger(advisoryLockKey(service, LockPurpose.audit))).toBe(true);
    }
  });

  it('refuses an empty service or purpose', () => {
    expect(() => advisoryLockKey('', 'outbox')).toThrow(TypeError);
    expect(() => advisoryLockKey('identity', '')).toThrow(TypeError);
  });
});
