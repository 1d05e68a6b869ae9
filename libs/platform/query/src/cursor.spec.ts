import { isAcceptedDate } from '@contracts/common';
import { decodeCursor, encodeCursor, STORED_CODE, UUID } from './cursor';

const forged = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
const refusal = expect.objectContaining({ code: 'VALIDATION_FAILED', extra: { errors: [{ path: 'cursor', message: 'invalid cursor' }] } });

describe('cursors', () => {
  const restructurings = { date: isAcceptedDate, seq: /^\d{1,18}$/ };

  it('reads back what it wrote', () => {
    expect(decodeCursor(encodeCursor({ date: '2025-07-01', seq: '42' }), restructurings)).toEqual({ date: '2025-07-01', seq: '42' });
  });

  it('refuses a date that has the shape of one but is not a day the database holds', () => {
    for (const date of ['2025-02-30', '0000-01-01', '2025-13-01']) {
      expect(() => decodeCursor(forged({ date, seq: '1' }), restructurings)).toThrow(refusal);
    }
  });

  it('refuses what is not JSON, a missing field and a field of the wrong shape', () => {
    expect(() => decodeCursor('bm90LWEtY3Vyc29y', restructurings)).toThrow(refusal);
    expect(() => decodeCursor(forged({ date: '2025-07-01' }), restructurings)).toThrow(refusal);
    expect(() => decodeCursor(forged({ date: '2025-07-01', seq: '1; DROP' }), restructurings)).toThrow(refusal);
  });

  it('refuses a code holding an unpaired surrogate or NUL', () => {
    const units = { code: STORED_CODE, id: UUID };
    const id = '7d1c1f9a-5b1e-4c55-8f2d-3c1a2b3c4d5e';
    expect(decodeCursor(forged({ code: 'CB-ĐẮK', id }), units)).toEqual({ code: 'CB-ĐẮK', id });
    expect(() => decodeCursor(forged({ code: 'x\ud800', id }), units)).toThrow(refusal);
    expect(() => decodeCursor(forged({ code: 'x\u0000', id }), units)).toThrow(refusal);
  });
});
