import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 iterations, 1 lane). @node-rs/argon2 ships prebuilt
 * binaries through the registry, so no compiler is needed.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  // Verify against a throw-away hash when the user has none, so timing does not tell whether the user exists.
  const target = passwordHash ?? DUMMY_HASH;
  const ok = await verify(target, password).catch(() => false);
  return ok && passwordHash !== null;
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$ZnBN6ZTVld0vP5GvsZ+6/A$ydBa4o6Ak3fL6HZMVmm/rvI90PW5Lg6qBTiryYUXAG0';
