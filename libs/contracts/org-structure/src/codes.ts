/*
 * Unit codes are business keys people type and compare (ORG-2: one unit per code at a time), so two spellings that
 * look alike must be one code or be refused. `cb-đắk`, `CB-ĐẮK` typed decomposed, fullwidth `ＣＢ-ĐẮK` and the
 * ligature in `CB-ﬁ` all become one canonical spelling; Cyrillic `СВ-ĐẮK`, which looks the same but cannot be made
 * the same, is refused.
 */

export const UNIT_CODE_MAX_LENGTH = 64;

/**
 * The canonical spelling of a code: NFKC (compatibility forms such as fullwidth letters and ligatures become the
 * ordinary letters, combining marks are composed), then upper case (JavaScript's, which does not depend on a
 * locale). Every code is stored, compared and looked up in this form; the migration of stored codes uses it too.
 */
export function canonicalUnitCode(code: string): string {
  return code.normalize('NFKC').toUpperCase().trim();
}

const LATIN_LETTER = /^(?=\p{L})\p{Script=Latin}$/u;
const ALLOWED_MARK = /^[0-9._\-/]$/;
const LETTER = /^\p{L}$/u;

/**
 * Why a canonical code is not acceptable, or null when it is: only letters of the Latin script, ASCII digits and
 * `. _ - /`. Letters of other scripts are named, since they are the look-alikes of Latin ones this rule exists for.
 */
export function unitCodeProblem(canonical: string): string | null {
  for (const char of canonical) {
    if (LATIN_LETTER.test(char) || ALLOWED_MARK.test(char)) continue;
    const codePoint = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    if (LETTER.test(char)) return `must be written in Latin letters: "${char}" (${codePoint}) is a letter of another script`;
    // Not echoed: it may be a control or a bidirectional override.
    return `Latin letters, digits and . _ - / only: ${codePoint} is not allowed`;
  }
  return null;
}
