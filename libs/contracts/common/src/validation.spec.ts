import { freeText, hasControlOrBidiCharacters, isWellFormedText, secretText, TextMessage } from './validation';

const messages = (result: { error?: { issues: Array<{ message: string }> } }) => result.error?.issues.map((issue) => issue.message);

describe('free text', () => {
  it('tells an unpaired surrogate from a valid pair', () => {
    expect(isWellFormedText('Hà Nội 😀')).toBe(true);
    expect(isWellFormedText('x\ud800y')).toBe(false);
    expect(isWellFormedText('x\udc00')).toBe(false);
    expect(isWellFormedText('\ud83d')).toBe(false);
  });

  it('finds C0 and C1 controls and bidirectional overrides and isolates', () => {
    for (const char of ['\u0000', '\u0007', '\t', '\n', '\u001F', '\u007F', '\u0085', '\u009F', '\u202A', '\u202E', '\u2066', '\u2069']) {
      expect({ char, found: hasControlOrBidiCharacters(`a${char}b`) }).toEqual({ char, found: true });
    }
    // Marks that only join or direct neighbouring letters are ordinary text.
    expect(hasControlOrBidiCharacters('Đảng ủy\u200Dxã \u200E')).toBe(false);
  });

  it('refuses ill-formed text with one message, before anything else is checked', () => {
    expect(messages(freeText(10).safeParse('\ud800\u202E'))).toEqual([TextMessage.notWellFormed]);
  });

  it('refuses control and bidirectional-override characters, saying so', () => {
    expect(messages(freeText(50).safeParse('Chi bộ \u202Egnôt'))).toEqual([TextMessage.controlOrBidi]);
    expect(messages(freeText(50).safeParse('Chi bộ\nthôn'))).toEqual([TextMessage.controlOrBidi]);
  });

  it('composes to NFC and trims before measuring', () => {
    const decomposed = 'Đảng ủy'.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan(7);
    expect(freeText(7).parse(`  ${decomposed} `)).toBe('Đảng ủy'.normalize('NFC'));
  });

  it('takes secrets exactly as typed, refusing only NUL and ill-formed text', () => {
    expect(secretText(50).parse(' pass\tword\u202E ')).toBe(' pass\tword\u202E ');
    expect(messages(secretText(50).safeParse('a\u0000b'))).toEqual([TextMessage.nul]);
    expect(messages(secretText(50).safeParse('a\ud800b'))).toEqual([TextMessage.notWellFormed]);
  });
});
