import { describe, expect, it } from 'vitest';
import { jsonDepth, splitJsonBody } from '../../ingest/json-spans.ts';
import { identityKey, createDedupIndex } from '../../ingest/dedup-index.ts';

const texts = (body: string) => {
  const r = splitJsonBody(body);
  if (!r.ok) throw new Error(r.reason);
  return { kind: r.kind, items: r.spans.map((s) => [body.slice(s.start, s.end), s.depth]) };
};

describe('splitJsonBody', () => {
  it.each([
    ['[]', 'array', []],
    ['  [ ]  ', 'array', []],
    ['[1]', 'array', [['1', 0]]],
    [
      '[ {"a":1} , [2,[3]] ,"x,]}" ]',
      'array',
      [
        ['{"a":1}', 1],
        ['[2,[3]]', 2],
        ['"x,]}"', 0],
      ],
    ],
    ['[{"s":"a\\"],{"}]', 'array', [['{"s":"a\\"],{"}', 1]]],
    ['[\n{"e":1e309}\r\n]\n', 'array', [['{"e":1e309}', 1]]],
    ['{"a":[1,2]}', 'object', [['{"a":[1,2]}', 2]]],
    [' 42 ', 'scalar', [['42', 0]]],
  ])('%j → %s with the exact text and depth of each element', (body, kind, items) => {
    expect(texts(body)).toEqual({ kind, items });
  });

  it.each([
    ['[1', /not closed/],
    ['[1,', /not closed/],
    ['["abc', /string is not closed/],
    ['[1]x', /after the closing/],
    ['[1}', /unexpected }/],
    ['{"a":1},{"b":2}', /unexpected character/],
  ])('refuses the structure of %j', (body, why) => {
    const r = splitJsonBody(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });

  it('measures a depth of 1,000,000 without recursion', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(texts(`[${deep}]`).items[0]![1]).toBe(1_000_000);
    expect(jsonDepth(deep)).toBe(1_000_000);
    expect(jsonDepth('{"a":"[[[[","b":[{}]}')).toBe(3);
  });
});

describe('identity keys', () => {
  it.each([
    ['a\u0000b', 'c', 'a', 'b\u0000c'],
    ['BV-A', 'B:1', 'BV-AB', ':1'],
    ['1:', 'x', '1', ':x'],
    ['', 'ab', 'a', 'b'],
  ])('(%j, %j) and (%j, %j) are different identities', (h1, e1, h2, e2) => {
    expect(identityKey(h1, e1)).not.toBe(identityKey(h2, e2));
    const index = createDedupIndex({ capacity: 1000 });
    index.add(h1, e1);
    expect(index.has(h2, e2)).toBe(false);
    expect(index.has(h1, e1)).toBe(true);
  });
});
