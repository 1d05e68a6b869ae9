/**
 * Folds Vietnamese text for matching with or without diacritics (ARCHITECTURE decision 7, DOC-12): lower case,
 * tone and vowel marks removed, đ → d. "Tỉnh ủy Bắc Giang" folds to "tinh uy bac giang".
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so a search for "50%" matches the text "50%". */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
