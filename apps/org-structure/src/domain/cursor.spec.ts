import { decodeCursor } from '@contracts/common';
import { STORED_CODE, UUID } from './cursor';

const forged = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
const refusal = expect.objectContaining({ code: 'VALIDATION_FAILED', extra: { errors: [{ path: 'cursor', message: 'invalid cursor' }] } });

describe('unit cursors', () => {
  it('refuses a code holding an unpaired surrogate or NUL', () => {
    const units = { code: STORED_CODE, id: UUID };
    const id = '7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e';
    expect(decodeCursor(forged({ code: 'CB-ĐẮK', id }), units)).toEqual({ code: 'CB-ĐẮK', id });
    expect(() => decodeCursor(forged({ code: 'x\ud800', id }), units)).toThrow(refusal);
    expect(() => decodeCursor(forged({ code: 'x\u0000', id }), units)).toThrow(refusal);
  });
});
