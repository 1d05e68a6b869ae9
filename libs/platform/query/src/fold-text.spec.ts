import { escapeLike, foldText } from './fold-text';

describe('foldText (search is diacritic- and case-insensitive, DOC-12)', () => {
  it('folds Vietnamese names to plain lower-case ASCII', () => {
    expect(foldText('Tỉnh ủy Bắc Giang')).toBe('tinh uy bac giang');
    expect(foldText('ĐẢNG ỦY XÃ Phật Tích')).toBe('dang uy xa phat tich');
  });

  it('treats composed and decomposed input the same', () => {
    expect(foldText('Bắc'.normalize('NFC'))).toBe(foldText('Bắc'.normalize('NFD')));
  });

  it('collapses runs of whitespace', () => {
    expect(foldText('  Huyện   ủy\tLục Nam ')).toBe('huyen uy luc nam');
  });
});

describe('escapeLike', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});
