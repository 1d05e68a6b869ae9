import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-body';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('JSON nesting depth', () => {
  it('allows nesting up to the limit and refuses one level more', () => {
    expect(jsonNestsDeeperThan(bytes(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(`{"rows":[${nested(100_000)}]}`), MAX_JSON_DEPTH)).toBe(true);
  });

  it('counts objects and arrays alike, and only open ones', () => {
    expect(jsonNestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    // Many siblings are not depth.
    expect(jsonNestsDeeperThan(bytes(`[${'[],'.repeat(1_000)}[]]`), 2)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ name: '[{'.repeat(500) })), 2)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ name: `"\\${'['.repeat(500)}` })), 2)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ name: 'Đảng ủy [xã]' })), 1)).toBe(false);
  });
});
