import { describe, expect, it } from 'vitest';
import { dayRange, dayString, isoWeek, localDay, localDayNumber, parseDay, rfc3339EpochMs } from '../../processors/count/window.ts';

describe('localDay: the Asia/Ho_Chi_Minh calendar day of an event', () => {
  it.each([
    ['2026-07-01T08:30:00+07:00', '2026-07-01'],
    ['2026-07-01T00:00:00+07:00', '2026-07-01'],
    ['2026-06-30T23:59:59+07:00', '2026-06-30'],
    ['2026-06-30T17:00:00Z', '2026-07-01'], // midnight in Hanoi
    ['2026-06-30T16:59:59.999Z', '2026-06-30'],
    ['2026-07-01T01:00:00+09:00', '2026-06-30'], // sent from a +09:00 system: 23:00 in Hanoi
    ['2024-12-31T23:30:00-05:00', '2025-01-01'],
    ['2024-02-29T12:00:00+07:00', '2024-02-29'],
  ])('%s → %s', (ts, day) => {
    expect(localDay(ts)).toBe(day);
  });

  it('rejects a non-timestamp', () => {
    expect(() => localDay('yesterday')).toThrow(RangeError);
  });
});

describe('day arithmetic', () => {
  it('round-trips day numbers', () => {
    for (const d of ['1970-01-01', '2000-02-29', '2026-11-25', '2030-12-31']) expect(dayString(parseDay(d))).toBe(d);
  });
  it.each(['2026-02-30', '2026-13-01', '26-01-01', '', '2026-1-1'])('parseDay(%s) is NaN', (d) => {
    expect(parseDay(d)).toBeNaN();
  });
  it('dayRange is inclusive and crosses months and leap days', () => {
    expect(dayRange('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(dayRange('2026-01-02', '2026-01-01')).toEqual([]);
  });
  it('localDayNumber uses the +07:00 offset', () => {
    expect(localDayNumber(Date.parse('2026-06-30T17:00:00Z'))).toBe(parseDay('2026-07-01'));
  });
  it.each([
    ['2026-01-01', '2026-W01'],
    ['2025-12-29', '2026-W01'],
    ['2027-01-03', '2026-W53'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-03', '2020-W53'],
  ])('isoWeek(%s) = %s', (d, w) => {
    expect(isoWeek(parseDay(d))).toBe(w);
  });
});

describe('rfc3339EpochMs: the digits-only fast path of localDay and of the stored timestamps', () => {
  it('equals Date.parse on 100,000 random contract-form timestamps (offsets, fractions, day and year edges), and so do the local days', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const p2 = (n: number) => String(n).padStart(2, '0');
    for (let i = 0; i < 100_000; i++) {
      const y = 1900 + rand(200);
      const m = 1 + rand(12);
      const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
      const d = rand(5) === 0 ? dim : 1 + rand(dim);
      const h = rand(4) === 0 ? [0, 16, 17, 23][rand(4)]! : rand(24);
      const frac = ['', '.5', '.05', '.123', '.999999', '.1234567'][rand(6)];
      const zone = rand(3) === 0 ? 'Z' : `${rand(2) ? '+' : '-'}${p2(rand(15))}:${p2([0, 30, 45][rand(3)]!)}`;
      const s = `${y}-${p2(m)}-${p2(d)}T${p2(h)}:${p2(rand(60))}:${p2(rand(60))}${frac}${zone}`;
      expect(rfc3339EpochMs(s), s).toBe(Date.parse(s));
      const offset = [420, 0, -300][rand(3)]!;
      expect(localDay(s, offset), s).toBe(dayString(localDayNumber(Date.parse(s), offset)));
    }
  });
  it.each([
    '2026-02-29T00:00:00Z',
    '2026-02-30T00:00:00+07:00',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01 00:00:00Z',
    '2026-01-01T00:00:00',
    '2026-01-01T00:00:00.Z',
    '2026-01-01T00:00:00+0700',
    '+002026-01-01T00:00:00Z',
    '2026-01-01t00:00:00z',
  ])('%s is left to Date.parse (NaN here)', (s) => expect(rfc3339EpochMs(s)).toBeNaN());
  it('localDay still accepts what Date.parse accepts beyond the fast form', () => {
    expect(localDay('2026-01-01T24:00:00Z')).toBe('2026-01-02');
    expect(localDay('2026-01-01t10:00:00z')).toBe('2026-01-01');
  });
});
