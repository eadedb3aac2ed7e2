import { describe, expect, it } from 'vitest';
import { TsvRows, tsvNumber, tsvString } from '../../storage/tsv.ts';

const nasty = ['a\tb', 'line1\nline2', 'back\\slash', "quote'd", 'cr\rlf', 'nul\0', 'Sốt, ho — "đau họng"', '', '\\N'];

describe('TabSeparated encoding', () => {
  it.each([
    ['plain', 'plain'],
    ['a\tb', 'a\\tb'],
    ['x\ny', 'x\\ny'],
    ['c:\\d', 'c:\\\\d'],
  ])('tsvString(%j) = %j', (input, out) => expect(tsvString(input)).toBe(out));
  it('numbers and nulls', () => {
    expect(tsvNumber(null)).toBe('\\N');
    expect(tsvNumber(38.5)).toBe('38.5');
  });
});

describe('TsvRows', () => {
  it('grows past its first buffer and keeps every byte (multi-byte text included)', () => {
    const rows = new TsvRows(16);
    const want: string[] = [];
    for (let i = 0; i < 500; i++) {
      const row = `${i}\t${tsvString(nasty[i % nasty.length]!)}\t${'đau họng '.repeat(i % 7)}\n`;
      rows.push(row);
      want.push(row);
    }
    expect(rows.rows).toBe(500);
    expect(rows.bytes().toString('utf8')).toBe(want.join(''));
  });
  it('is empty until a row is pushed', () => {
    const rows = new TsvRows();
    expect(rows.rows).toBe(0);
    expect(rows.bytes().length).toBe(0);
  });
});
