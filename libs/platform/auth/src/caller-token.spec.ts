import { CallerTokenSigner, CallerTokenVerifier } from './caller-token';
import { generateSigningKeyPair, importPrivateKey, importPublicKey } from './keys';

const caller = { userId: 'u-1', username: 'a', roles: [{ role: 'records-clerk' as const, unitId: null }], clearance: 'none' as const, clientAddress: null };

describe('caller tokens between the gateway and services', () => {
  it('round-trips the caller', async () => {
    const keys = await generateSigningKeyPair();
    const token = await new CallerTokenSigner(await importPrivateKey(keys.privateKeyPem)).sign(caller, 'req');
    expect(await new CallerTokenVerifier(await importPublicKey(keys.publicKeyPem)).verify(token)).toEqual(caller);
  });

  it('refuses a token signed by another key, a tampered one and none at all', async () => {
    const ours = await generateSigningKeyPair();
    const theirs = await generateSigningKeyPair();
    const verifier = new CallerTokenVerifier(await importPublicKey(ours.publicKeyPem));
    const forged = await new CallerTokenSigner(await importPrivateKey(theirs.privateKeyPem)).sign(caller, 'req');
    expect(await verifier.verify(forged)).toBeNull();
    const genuine = await new CallerTokenSigner(await importPrivateKey(ours.privateKeyPem)).sign(caller, 'req');
    const [header, payload, signature] = genuine.split('.');
    const escalated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), caller: { ...caller, roles: [{ role: 'administrator', unitId: null }] } })).toString('base64url');
    expect(await verifier.verify(`${header}.${escalated}.${signature}`)).toBeNull();
    expect(await verifier.verify(undefined)).toBeNull();
  });
});
