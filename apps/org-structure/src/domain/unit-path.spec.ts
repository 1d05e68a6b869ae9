import { childPath, idToLabel, isWithin, labelToId, pathToIds } from './unit-path';

const a = '0b7c6f0e-8d1a-4c39-9d52-2f7f0e6c1a01';
const b = '5e3d2c1b-0a9f-4e8d-8c7b-6a5f4e3d2c1b';

describe('unit paths', () => {
  it('round-trips ids through ltree labels', () => {
    expect(labelToId(idToLabel(a))).toBe(a);
    expect(idToLabel(a)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('builds a child path and reads it back as ids from the root', () => {
    expect(pathToIds(childPath(childPath(null, a), b))).toEqual([a, b]);
  });

  it('knows a path is within its own subtree but not within a sibling sharing a prefix (ORG-4 cycle check)', () => {
    const root = childPath(null, a);
    expect(isWithin(root, root)).toBe(true);
    expect(isWithin(childPath(root, b), root)).toBe(true);
    expect(isWithin(`${root}x`, root)).toBe(false);
  });
});
