/**
 * OWASP ASVS password rules: at least 8 characters, at least 64 allowed (we allow 128), any characters, no
 * composition rules, no forced rotation, and not one of the passwords attackers try first.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

// The most used passwords in public breach corpora, plus local favourites; enough to stop the first guesses.
const COMMON_PASSWORDS = new Set(
  `123456 123456789 12345678 password qwerty123 qwerty 1234567890 1234567 111111 123123 abc123 password1 iloveyou
  000000 1q2w3e4r 12345678910 qwertyuiop 654321 555555 666666 7777777 88888888 987654321 123321 princess dragon
  sunshine football monkey letmein welcome admin admin123 administrator passw0rd password123 master hello123
  abcd1234 zaq12wsx 1qaz2wsx superman batman trustno1 baseball whatever shadow michael jennifer computer
  matkhau matkhau123 vietnam vietnam123 hanoi123 saigon123 anhyeuem yeuem123 123456a a123456 12345678a
  changeme changeme123 secret secret123 p@ssw0rd p@ssword welcome1 welcome123 qwe123 asdfgh asdfghjkl
  zxcvbnm 1111111 11111111 12341234 00000000 123qwe 1q2w3e qazwsx`.split(/\s+/),
);

export function passwordProblems(password: string, username?: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`must have at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`must have at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push('is one of the most common passwords');
  if (username && lower === username.toLowerCase()) problems.push('must not be the username');
  return problems;
}
