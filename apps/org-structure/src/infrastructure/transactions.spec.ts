import { DomainError } from '@contracts/common';
import { OrgErrorCode } from '@contracts/org-structure';
import { translateConstraintError } from './transactions';

const refusal = (constraint: string) => ({ driverError: { code: '23P01', constraint, detail: 'Key ((md5(code)::uuid), validity)=(…)' } });

describe('translateConstraintError', () => {
  it('turns the database refusal of a code alive twice into ORG_CODE_CONFLICT (ORG-2)', () => {
    const error = translateConstraintError(refusal('unit_version_code_unique_in_time'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: OrgErrorCode.CodeConflict, extra: { rule: 'ORG-2' } });
  });

  it('turns overlapping committee terms into ORG_TERM_CONFLICT (ORG-7)', () => {
    expect(translateConstraintError(refusal('committee_term_no_overlap'))).toMatchObject({ code: OrgErrorCode.TermConflict });
  });

  it('passes any other error through untouched', () => {
    const other = { driverError: { code: '23505', constraint: 'unit_pkey' } };
    expect(translateConstraintError(other)).toBe(other);
  });
});
