import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, type CryptoKey } from 'jose';

/** Tokens are signed with Ed25519 (EdDSA): small keys, fast, no algorithm choices to get wrong. */
export const SIGNING_ALGORITHM = 'EdDSA';

export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  return importPKCS8(pem.trim(), SIGNING_ALGORITHM);
}

export async function importPublicKey(pem: string): Promise<CryptoKey> {
  return importSPKI(pem.trim(), SIGNING_ALGORITHM);
}

/** A fresh key pair as PEM, for first-run set-up and tests. */
export async function generateSigningKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}
