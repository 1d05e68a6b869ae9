import { canonicalUnitCode, unitCodeProblem } from './codes';
import { unitCode } from './schemas';

describe('unit codes (ORG-2)', () => {
  it('spellings that look alike become one code', () => {
    const canonical = 'CB-ĐẮK';
    for (const spelling of ['CB-ĐẮK', 'cb-đắk', 'Cb-Đắk', 'CB-ĐẮK'.normalize('NFD'), 'cb-đắk'.normalize('NFD'), 'ＣＢ-ĐẮK', ' cb-đắk ']) {
      expect({ spelling, canonical: canonicalUnitCode(spelling) }).toEqual({ spelling, canonical });
    }
    expect(canonicalUnitCode('CB-ﬁ')).toBe(canonicalUnitCode('CB-fi'));
    expect(canonicalUnitCode('tu-bn')).toBe('TU-BN');
    expect(canonicalUnitCode('５/２０２５')).toBe('5/2025');
  });

  it('refuses letters of other scripts, naming them', () => {
    expect(unitCodeProblem(canonicalUnitCode('СВ-ĐẮK'))).toBe('must be written in Latin letters: "С" (U+0421) is a letter of another script');
    expect(unitCodeProblem(canonicalUnitCode('ΤU-BN'))).toMatch(/"Τ" \(U\+03A4\) is a letter of another script/);
    expect(unitCodeProblem(canonicalUnitCode('TU-BN'))).toBeNull();
  });

  it('refuses anything but Latin letters, ASCII digits and . _ - /', () => {
    expect(unitCodeProblem('TU BN')).toBe('Latin letters, digits and . _ - / only: U+0020 is not allowed');
    expect(unitCodeProblem('TU-\u202EBN')).toMatch(/U\+202E is not allowed/);
    expect(unitCodeProblem('TU-١')).toMatch(/U\+0661 is not allowed/);
    expect(unitCodeProblem('Q\u0303')).toMatch(/U\+0303 is not allowed/);
    expect(unitCodeProblem('HG.X1_2/2025-A')).toBeNull();
  });

  it('is idempotent on every acceptable code made from one Latin character, so a stored code finds itself', () => {
    for (let codePoint = 0x20; codePoint <= 0x2_ffff; codePoint += 1) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      if (!/\p{Script=Latin}/u.test(char)) continue;
      const canonical = canonicalUnitCode(`A${char}`);
      if (unitCodeProblem(canonical) !== null) continue;
      expect({ char, again: canonicalUnitCode(canonical) }).toEqual({ char, again: canonical });
    }
  });

  it('the contract canonicalises and checks what it accepts', () => {
    expect(unitCode.parse('cb-đắk')).toBe('CB-ĐẮK');
    expect(unitCode.safeParse('СВ-ĐẮK').error?.issues.map((issue) => issue.message)).toEqual([
      'must be written in Latin letters: "С" (U+0421) is a letter of another script',
    ]);
    expect(unitCode.safeParse('x'.repeat(65)).success).toBe(false);
    expect(unitCode.safeParse('').success).toBe(false);
    expect(unitCode.safeParse('A\ud800').error?.issues.map((issue) => issue.message)).toEqual([
      'must be well-formed Unicode text (it contains an unpaired surrogate)',
    ]);
  });
});
