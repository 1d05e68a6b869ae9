import { passwordProblems } from './password-policy';

describe('password rules (OWASP ASVS)', () => {
  it('accepts a long passphrase of any characters, including Vietnamese', () => {
    expect(passwordProblems('Bảo vệ tổ quốc là nhiệm vụ')).toEqual([]);
  });
  it('accepts 64 characters', () => {
    expect(passwordProblems('x'.repeat(32) + 'y'.repeat(32))).toEqual([]);
  });
  it('refuses fewer than 8 characters, counting characters not bytes', () => {
    expect(passwordProblems('ăâđêôơư')).toHaveLength(1);
  });
  it('refuses a common password and the username', () => {
    expect(passwordProblems('Password123')).toContain('is one of the most common passwords');
    expect(passwordProblems('nguyenvana', 'NguyenVanA')).toContain('must not be the username');
  });
});
