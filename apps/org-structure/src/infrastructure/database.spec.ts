import { DomainError } from '@contracts/common';
import { OrgErrorCode } from '@contracts/org-structure';
import { UnitOfWork } from '@platform/service-kit';
import type { DataSource } from 'typeorm';
import { ORG_CONSTRAINT_ERRORS } from './database';

const unitOfWork = new UnitOfWork({ dataSource: {} as DataSource, audit: null, nudge: () => undefined, actionPrefix: 'org', constraintErrors: ORG_CONSTRAINT_ERRORS });
const refusal = (constraint: string, code = '23P01') => ({ driverError: { code, constraint, detail: 'Key ((md5(code)::uuid), validity)=(…)' } });

describe('the schema constraints that state domain rules', () => {
  it('turns the database refusal of a code alive twice into ORG_CODE_CONFLICT (ORG-2)', () => {
    const error = unitOfWork.translate(refusal('unit_version_code_unique_in_time'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: OrgErrorCode.CodeConflict, extra: { rule: 'ORG-2' } });
  });

  it('turns overlapping committee terms into ORG_TERM_CONFLICT (ORG-7)', () => {
    expect(unitOfWork.translate(refusal('committee_term_no_overlap'))).toMatchObject({ code: OrgErrorCode.TermConflict });
  });

  it('turns a leadership link alive twice into ORG_INVALID_OPERATION (ORG-5)', () => {
    expect(unitOfWork.translate(refusal('leadership_link_no_overlap'))).toMatchObject({ code: OrgErrorCode.InvalidOperation, extra: { rule: 'ORG-5' } });
  });

  it('passes any other error through untouched', () => {
    const other = { driverError: { code: '23505', constraint: 'unit_pkey' } };
    expect(unitOfWork.translate(other)).toBe(other);
    const plain = new Error('connection reset');
    expect(unitOfWork.translate(plain)).toBe(plain);
  });
});
